import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import type { SharedRedis } from '../redis/redis-connection.ts';
import type { ClientClock } from './clock.ts';
import { type CcBudgetLimiter, InMemoryRateLimiter } from './rate-limiter.ts';
import { RedisRateLimiter } from './redis-rate-limiter.ts';

/**
 * The limiter in front of CC's API for this process, from `CC_RATE_PER_SECOND` and `CC_DAILY_LIMIT`: shared
 * through Redis in scale-out (every process that uses the same Redis key space spends one budget), in
 * memory when the connector runs as one process.
 *
 * @example
 * const cc = new ConstantContactClient({ config, tokenStore, rateLimiter: createCcBudgetLimiter(config.ccBudget, { redis }) });
 */
export function createCcBudgetLimiter(
  budget: Pick<Config['ccBudget'], 'perSecond' | 'perDay'>,
  options: { redis?: SharedRedis | null; clock?: ClientClock; logger?: Pick<Logger, 'warn'> } = {},
): CcBudgetLimiter {
  const { perSecond, perDay } = budget;
  const clock = options.clock ? { clock: options.clock } : {};
  if (options.redis) {
    return new RedisRateLimiter({
      redis: options.redis,
      perSecond,
      perDay,
      logger: options.logger,
      ...clock,
    });
  }
  return new InMemoryRateLimiter({ perSecond, perDay, ...clock });
}
