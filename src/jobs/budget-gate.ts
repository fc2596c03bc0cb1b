import { nextUtcMidnight } from '../constantcontact/error-mapping.ts';
import type { BudgetReading } from '../constantcontact/rate-limiter.ts';
import type { RunTrigger } from '../model/sync-run.ts';
import { isBackgroundWork } from './run-priorities.ts';

/**
 * When a run should wait for Constant Contact's budget instead of starting: null to start now, or the time
 * to try again. CC's own block (a `quota_exceeded`) and a spent day defer every run to the reset; a poll
 * is also deferred once only the reserve is left, which is kept for what users and the hub wait for.
 */
export async function budgetDeferral(
  budget: BudgetReading,
  trigger: RunTrigger,
  reserveShare: number,
  now: Date,
): Promise<Date | null> {
  const blocked = await budget.blockedUntil();
  if (blocked && blocked > now) return blocked;
  const used = await budget.usedToday();
  if (used >= budget.limit) return nextUtcMidnight(now);
  if (isBackgroundWork(trigger) && used >= budget.limit * (1 - reserveShare)) return nextUtcMidnight(now);
  return null;
}
