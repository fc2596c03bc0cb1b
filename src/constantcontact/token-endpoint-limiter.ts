import type { Logger } from 'pino';
import type { SharedRedis } from '../redis/redis-connection.ts';
import type { ClientClock } from './clock.ts';
import { InMemoryRateLimiter, type RateLimiter } from './rate-limiter.ts';
import { RedisRateLimiter } from './redis-rate-limiter.ts';

/** CC's token endpoint allows about 1 request a second per application (its API's 4/s do not apply). */
export const CC_TOKEN_REQUESTS_PER_SECOND = 1;

/** The token endpoint's budget in the deployment's Redis key space, apart from the API's. */
const TOKEN_BUDGET_NAME = 'cc-token-endpoint';

/**
 * The gate in front of CC's token endpoint (code exchanges and refreshes). After a restart every
 * organization may need a refresh at once, and the limit is the application's, so refreshes wait their turn
 * here instead of meeting 429s. Like the API's limiter, it is shared through Redis in scale-out (every
 * process using the same Redis key space waits in one line, as CC counts them together) and in memory when
 * the connector runs as one process. It has no daily budget of its own.
 *
 * @example
 * const cc = new ConstantContactClient({ config, tokenStore, tokenRateLimiter: createTokenEndpointLimiter({ redis }) });
 */
export function createTokenEndpointLimiter(
  options: {
    clock?: ClientClock;
    perSecond?: number;
    redis?: SharedRedis | null;
    logger?: Pick<Logger, 'warn'>;
  } = {},
): RateLimiter {
  const perSecond = options.perSecond ?? CC_TOKEN_REQUESTS_PER_SECOND;
  const perDay = Number.MAX_SAFE_INTEGER;
  const clock = options.clock ? { clock: options.clock } : {};
  if (options.redis) {
    return new RedisRateLimiter({
      redis: options.redis,
      budgetName: TOKEN_BUDGET_NAME,
      perSecond,
      perDay,
      logger: options.logger,
      ...clock,
    });
  }
  return new InMemoryRateLimiter({ perSecond, perDay, ...clock });
}
