import type { CcAccount } from './account-state.ts';
import { type CcErrorEntry, ccError, validationErrorKey } from './cc-errors.ts';
import { contactStatuses, type StoredContact } from './contact-model.ts';
import { contactIncludes } from './contact-representation.ts';

/** A GET /v3/contacts search; the cursor carries it whole, so later pages need nothing else. */
export interface ContactSearch {
  statuses: string[];
  email?: string;
  lists?: string[];
  updatedAfter?: number;
  updatedBefore?: number;
  createdAfter?: number;
  createdBefore?: number;
  optoutAfter?: number;
  optoutBefore?: number;
  include: string[];
  limit: number;
  includeCount: boolean;
  /** The last `sequence` already returned. */
  after: number;
}

type Query = Record<string, string | string[] | undefined>;

function single(query: Query, name: string): string | undefined {
  const value = query[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** Reads the query string (or the cursor in it) into a search, or CC's 400 errors. */
export function parseContactSearch(
  query: Query,
): { ok: true; search: ContactSearch } | { ok: false; errors: CcErrorEntry[] } {
  const cursor = single(query, 'cursor');
  if (cursor) {
    const search = decodeCursor(cursor);
    return search
      ? { ok: true, search }
      : { ok: false, errors: [ccError(validationErrorKey, 'The cursor is not valid.')] };
  }
  const errors: CcErrorEntry[] = [];
  const csv = (name: string) =>
    single(query, name)
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const statuses = csv('status') ?? [];
  for (const s of statuses) {
    if (!(contactStatuses as readonly string[]).includes(s))
      errors.push(ccError(validationErrorKey, `status "${s}" is not valid.`));
  }
  const include = csv('include') ?? [];
  for (const i of include) {
    if (!(contactIncludes as readonly string[]).includes(i))
      errors.push(ccError(validationErrorKey, `include "${i}" is not valid.`));
  }
  const lists = csv('lists');
  if (lists && lists.length > 25)
    errors.push(ccError(validationErrorKey, 'lists accepts at most 25 list ids.'));
  const time = (name: string): number | undefined => {
    const raw = single(query, name);
    if (raw === undefined) return undefined;
    const at = Date.parse(raw);
    if (Number.isNaN(at)) errors.push(ccError(validationErrorKey, `${name} must be an ISO 8601 date-time.`));
    return at;
  };
  const limitRaw = single(query, 'limit') ?? '50';
  const limit = Number(limitRaw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
    errors.push(ccError(validationErrorKey, 'limit must be an integer from 1 to 500.'));
  }
  const includeCountRaw = single(query, 'include_count');
  if (includeCountRaw !== undefined && includeCountRaw !== 'true' && includeCountRaw !== 'false') {
    errors.push(ccError(validationErrorKey, 'include_count must be true or false.'));
  }
  const search: ContactSearch = {
    statuses,
    include,
    limit,
    includeCount: includeCountRaw === 'true',
    after: 0,
  };
  const email = single(query, 'email');
  if (email) search.email = email.trim().toLowerCase();
  if (lists) search.lists = lists;
  const bounds = {
    updatedAfter: time('updated_after'),
    updatedBefore: time('updated_before'),
    createdAfter: time('created_after'),
    createdBefore: time('created_before'),
    optoutAfter: time('optout_after'),
    optoutBefore: time('optout_before'),
  };
  for (const [key, value] of Object.entries(bounds)) {
    if (value !== undefined) search[key as keyof typeof bounds] = value;
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, search };
}

function matchesStatus(contact: StoredContact, statuses: readonly string[]): boolean {
  const deleted = Boolean(contact.deleted_at);
  // Without a status CC lists every contact that is not deleted.
  if (statuses.length === 0) return !deleted;
  const permission = contact.email_address.permission_to_send;
  return statuses.some((status) => {
    if (status === 'all') return true;
    if (status === 'deleted') return deleted;
    if (deleted) return false;
    if (status === 'active') return permission === 'implicit' || permission === 'explicit';
    return permission === status;
  });
}

function matches(contact: StoredContact, s: ContactSearch): boolean {
  if (!matchesStatus(contact, s.statuses)) return false;
  if (s.email && contact.email_address.address.toLowerCase() !== s.email) return false;
  if (s.lists && !s.lists.some((l) => contact.list_memberships.includes(l))) return false;
  const updated = Date.parse(contact.updated_at);
  const created = Date.parse(contact.created_at);
  if (s.updatedAfter !== undefined && !(updated > s.updatedAfter)) return false;
  if (s.updatedBefore !== undefined && !(updated < s.updatedBefore)) return false;
  if (s.createdAfter !== undefined && !(created > s.createdAfter)) return false;
  if (s.createdBefore !== undefined && !(created < s.createdBefore)) return false;
  if (s.optoutAfter !== undefined || s.optoutBefore !== undefined) {
    const optOut = contact.email_address.opt_out_date
      ? Date.parse(contact.email_address.opt_out_date)
      : undefined;
    if (optOut === undefined) return false;
    if (s.optoutAfter !== undefined && !(optOut > s.optoutAfter)) return false;
    if (s.optoutBefore !== undefined && !(optOut < s.optoutBefore)) return false;
  }
  return true;
}

/** One page of a search, the cursor of the next page (null on the last) and the total when asked. */
export function runContactSearch(
  account: CcAccount,
  search: ContactSearch,
): { page: StoredContact[]; nextCursor: string | null; total?: number } {
  const all = account.storedContacts().filter((c) => matches(c, search));
  const remaining = all.filter((c) => c.sequence > search.after);
  const page = remaining.slice(0, search.limit);
  const last = page.at(-1);
  const nextCursor =
    remaining.length > page.length && last ? encodeCursor({ ...search, after: last.sequence }) : null;
  return search.includeCount ? { page, nextCursor, total: all.length } : { page, nextCursor };
}

function encodeCursor(search: ContactSearch): string {
  return Buffer.from(JSON.stringify(search)).toString('base64url');
}

function decodeCursor(cursor: string): ContactSearch | null {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as ContactSearch;
    if (!Array.isArray(parsed.statuses) || !Number.isInteger(parsed.after) || !Number.isInteger(parsed.limit))
      return null;
    return parsed;
  } catch {
    return null;
  }
}
