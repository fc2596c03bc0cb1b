import { createHash, timingSafeEqual } from 'node:crypto';
import type { Tenant } from '../config/tenants.ts';

function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * The user and password of an HTTP Basic header (RFC 7617), read strictly: the scheme, spaces, then
 * base64 in its one canonical spelling (padded, no stray characters, nothing after it), decoding to UTF-8
 * text with a colon. Null for anything else, so no loosely written header is read as credentials.
 */
export function parseBasicAuth(header: string | undefined): { user: string; password: string } | null {
  const match = /^Basic +([A-Za-z0-9+/]+={0,2})$/i.exec(header ?? '');
  if (!match) return null;
  const token = match[1]!;
  const bytes = Buffer.from(token, 'base64');
  if (bytes.toString('base64') !== token) return null;
  const decoded = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let text: string;
  try {
    text = decoded.decode(bytes);
  } catch {
    return null;
  }
  const colon = text.indexOf(':');
  return colon < 0 ? null : { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

/**
 * The tenant whose API id and key the HTTP Basic header carries, for the tenant named in the path; null
 * otherwise. Both halves are always compared, so an unknown tenant takes as long as a wrong key.
 */
export function authenticateTenant(
  tenants: ReadonlyMap<string, Tenant>,
  tenantId: string,
  authorization: string | undefined,
): Tenant | null {
  const credentials = parseBasicAuth(authorization);
  const tenant = tenants.get(tenantId);
  const idOk = sameSecret(credentials?.user ?? '', tenant?.apiId ?? '\u0000');
  const keyOk = sameSecret(credentials?.password ?? '', tenant?.apiKey ?? '\u0000');
  return tenant && credentials && idOk && keyOk ? tenant : null;
}
