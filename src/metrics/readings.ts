import {
  InMemoryRateLimiter,
  type BudgetReading as LimiterBudgetReading,
  type RateLimiter,
} from '../constantcontact/rate-limiter.ts';

/**
 * The day's Constant Contact budget as the rate limiter knows it. The shared (Redis) limiter implements it
 * for the whole deployment; read at scrape time.
 */
export type BudgetReading = Pick<LimiterBudgetReading, 'usedToday' | 'limit'>;

/** Queues and schedule as the scheduler knows them; the scheduler implements it, read at scrape time. */
export interface FleetReading {
  /** Runs waiting, by priority (e.g. `{ manual: 0, schedule: 12 }`). */
  queueDepth(): Promise<Record<string, number>>;
  /** Organizations whose run is due and has not started. */
  overdueOrganizations(): Promise<number>;
}

/** True when the limiter reports the day's budget itself (the shared limiter of scale-out mode does). */
export function isBudgetReading(value: unknown): value is BudgetReading {
  const candidate = value as Partial<BudgetReading> | null | undefined;
  return typeof candidate?.usedToday === 'function' && typeof candidate.limit === 'number';
}

/**
 * The deployment's budget figures when this process can know them: the limiter's own reading (shared by
 * every process), or the in-process limiter's count, which in embedded mode is the whole deployment's
 * since one process makes every call. Null for a limiter that tells neither.
 */
export function budgetReadingOf(limiter: RateLimiter, dailyLimit: number): BudgetReading | null {
  if (isBudgetReading(limiter)) return limiter;
  if (limiter instanceof InMemoryRateLimiter) {
    return { usedToday: async () => limiter.grantedToday, limit: dailyLimit };
  }
  return null;
}
