import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CsrfTokenInvalidError, NotSignedInError } from '../errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** False for an endpoint authenticated otherwise; everything under /maestrano/ already is. */
    csrf?: boolean;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function same(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}

function sentToken(req: FastifyRequest): string {
  const header = req.headers['x-csrf-token'];
  if (typeof header === 'string') return header;
  const body = req.body as Record<string, unknown> | undefined;
  return typeof body?._csrf === 'string' ? body._csrf : '';
}

/**
 * Every state-changing request must carry the session's CSRF token, as the `_csrf` form field or (htmx) the
 * `X-CSRF-Token` header. SameSite=Lax already keeps other sites' posts from carrying the cookie; the token
 * also covers browsers and same-site pages that Lax does not.
 */
export function installCsrfProtection(app: FastifyInstance): void {
  app.addHook('preHandler', async (req) => {
    if (!UNSAFE.has(req.method) || req.routeOptions.config?.csrf === false) return;
    // The platform's endpoints authenticate with SAML signatures or the tenant's HTTP Basic, not a session.
    if (req.routeOptions.url?.startsWith('/maestrano/')) return;
    if (!req.session) {
      throw new NotSignedInError('Your session has ended. Open the connector again from your dashboard.');
    }
    const token = sentToken(req);
    if (!token || !same(token, req.session.csrf)) {
      throw new CsrfTokenInvalidError(
        'This form has expired or did not come from the connector. Reload the page and try again.',
      );
    }
  });
}
