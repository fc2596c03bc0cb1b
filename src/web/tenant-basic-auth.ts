import { createHash, timingSafeEqual } from 'node:crypto';
import type { Tenant } from '../config/tenants.ts';

function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
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
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? '');
  const decoded = match ? Buffer.from(match[1]!, 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  const user = colon < 0 ? '' : decoded.slice(0, colon);
  const password = colon < 0 ? '' : decoded.slice(colon + 1);
  const tenant = tenants.get(tenantId);
  const idOk = sameSecret(user, tenant?.apiId ?? '\u0000');
  const keyOk = sameSecret(password, tenant?.apiKey ?? '\u0000');
  return tenant && match && colon >= 0 && idOk && keyOk ? tenant : null;
}
