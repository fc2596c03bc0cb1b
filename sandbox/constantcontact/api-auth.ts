import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Clock } from '../shared/clock.ts';
import type { CcAccountRegistry } from './account-registry.ts';
import type { CcAccount } from './account-state.ts';
import { ccError, sendCcErrors } from './cc-errors.ts';
import type { CcKnobs } from './cc-knobs.ts';
import type { AccessGrant, OAuthAuthority } from './oauth-authority.ts';
import type { ClientRateLimiter } from './rate-limiter.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The OAuth scope a /v3 route needs (the swagger's `security` of the operation). */
    ccScope?: 'contact_data' | 'account_read' | 'account_update';
  }
  interface FastifyRequest {
    ccAccount?: CcAccount;
    ccGrant?: AccessGrant;
  }
}

/**
 * The gateway in front of /v3, in CC's order: the bearer token (401), the application's limits (429,
 * counted per client id), then the route's scope (403).
 */
export function installApiGateway(
  api: FastifyInstance,
  deps: {
    oauth: OAuthAuthority;
    accounts: CcAccountRegistry;
    limiter: ClientRateLimiter;
    clock: Clock;
    knobs: Pick<CcKnobs, 'retryAfterHeader'>;
  },
): void {
  api.addHook('preHandler', async (req, reply) => {
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const grant = token ? deps.oauth.verifyAccessToken(token) : null;
    const account = grant ? deps.accounts.find(grant.accountId) : undefined;
    if (!grant || !account) {
      return reply.code(401).send({ error_key: 'unauthorized', error_message: 'Unauthorized' });
    }
    req.logAccount = account.id;
    const decision = deps.limiter.take(grant.clientId);
    if (!decision.allowed) {
      // CC documents no Retry-After: clients must find their own pause unless a test asks for the header.
      if (deps.knobs.retryAfterHeader) {
        reply.header('retry-after', retryAfterSeconds(decision.resetAt, deps.clock.now()));
      }
      const message =
        decision.reason === 'throttled'
          ? 'Too many requests: this application exceeded its per-second limit.'
          : `This application exceeded its daily request quota; it resets at ${decision.resetAt.toISOString()}.`;
      return reply.code(429).send({ error_key: decision.reason, error_message: message });
    }
    const scope = req.routeOptions.config.ccScope;
    if (scope && !grant.scopes.includes(scope)) {
      return sendCcErrors(reply, 403, [
        ccError(
          'forbidden',
          `This request needs the "${scope}" scope, which the access token was not granted.`,
        ),
      ]);
    }
    req.ccGrant = grant;
    req.ccAccount = account;
  });
}

/** Whole seconds until `resetAt`, at least 1, as a Retry-After value. */
export function retryAfterSeconds(resetAt: Date, now: Date): string {
  return String(Math.max(1, Math.ceil((resetAt.getTime() - now.getTime()) / 1000)));
}

/** The account of an authenticated /v3 request (set by the gateway). */
export function accountOf(req: FastifyRequest): CcAccount {
  if (!req.ccAccount) throw new Error('The CC gateway did not run for this route.');
  return req.ccAccount;
}
