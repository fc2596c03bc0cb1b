import { createHash } from 'node:crypto';
import { normalizeEmail } from './normalize-email.ts';

/** A postal address as both sides can hold it. */
export interface SharedAddress {
  street: string | null;
  city: string | null;
  state: string | null;
  postal_code: string | null;
  country: string | null;
}

/**
 * The fields a hub record and a CC contact share, in one neutral shape. Hub records and contacts are
 * translated to it and from it; hashes, snapshots and three-way merges work on it, field by field.
 */
export interface SharedContact {
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  job_title: string | null;
  company_name: string | null;
  phone_home: string | null;
  phone_mobile: string | null;
  phone_work: string | null;
  address_work: SharedAddress | null;
}

export type SharedField = keyof SharedContact;

export const SHARED_FIELDS = [
  'email',
  'first_name',
  'last_name',
  'job_title',
  'company_name',
  'phone_home',
  'phone_mobile',
  'phone_work',
  'address_work',
] as const satisfies readonly SharedField[];

export function emptySharedContact(): SharedContact {
  return {
    email: null,
    first_name: null,
    last_name: null,
    job_title: null,
    company_name: null,
    phone_home: null,
    phone_mobile: null,
    phone_work: null,
    address_work: null,
  };
}

/** Blank strings and all-blank addresses count as absent, so "" on one side and null on the other agree. */
export function cleanText(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

export function cleanAddress(
  address: Partial<Record<keyof SharedAddress, unknown>> | null | undefined,
): SharedAddress | null {
  if (!address) return null;
  const clean: SharedAddress = {
    street: cleanText(address.street),
    city: cleanText(address.city),
    state: cleanText(address.state),
    postal_code: cleanText(address.postal_code),
    country: cleanText(address.country),
  };
  return Object.values(clean).every((v) => v === null) ? null : clean;
}

/** Field equality; addresses compare by content. */
export function sameValue(a: unknown, b: unknown): boolean {
  return stableJson(a ?? null) === stableJson(b ?? null);
}

/**
 * Equality of one shared field as a merge sees it: emails equal after normalisation (trimmed, any case)
 * are one email, so neither side's spelling is ever rewritten to the other's.
 */
export function sameField(field: PropertyKey, a: unknown, b: unknown): boolean {
  if (field === 'email' && (typeof a === 'string' || typeof b === 'string')) {
    return normalizeEmail(a as string | null) === normalizeEmail(b as string | null);
  }
  return sameValue(a, b);
}

/** JSON with sorted keys, so equal content always serialises the same. */
export function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
}

/** A short content hash: equal content, equal hash, whatever the key order. */
export function contentHash(value: unknown): string {
  return createHash('sha256').update(stableJson(value)).digest('base64url').slice(0, 22);
}
