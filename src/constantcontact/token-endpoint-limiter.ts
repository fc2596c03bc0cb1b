import type { ClientClock } from './clock.ts';
import { InMemoryRateLimiter, type RateLimiter } from './rate-limiter.ts';

/** CC's token endpoint allows about 1 request a second per application (its API's 4/s do not apply). */
export const CC_TOKEN_REQUESTS_PER_SECOND = 1;

/**
 * The gate in front of CC's token endpoint (code exchanges and refreshes), one per process like the API
 * limiter: after a restart every organization may need a refresh at once, and the limit is the
 * application's, so refreshes wait their turn here instead of meeting 429s. It has no daily budget of its
 * own.
 *
 * @example
 * const cc = new ConstantContactClient({ config, tokenStore, tokenRateLimiter: createTokenEndpointLimiter({ clock }) });
 */
export function createTokenEndpointLimiter(
  options: { clock?: ClientClock; perSecond?: number } = {},
): RateLimiter {
  return new InMemoryRateLimiter({
    perSecond: options.perSecond ?? CC_TOKEN_REQUESTS_PER_SECOND,
    perDay: Number.MAX_SAFE_INTEGER,
    ...(options.clock ? { clock: options.clock } : {}),
  });
}
