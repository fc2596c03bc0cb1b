// How much of Constant Contact's daily budget scheduled polls may spend now. CC counts calls per UTC day for
// the whole application; a share is kept for priority work (notifications, manual runs, first links) and the
// rest is paced over the day, so nothing the afternoon needs is spent in the morning.

export const DAY_MS = 86_400_000;

/** Constant Contact's budget for the current UTC day, as the shared counter sees it. */
export interface CcDayBudget {
  /** Calls allowed per UTC day (`CC_DAILY_LIMIT`). */
  perDay: number;
  /** Calls spent today by everything (polls and priority work), from the shared daily counter. */
  usedToday: number;
  /** Share of the day kept for priority work (`CC_PRIORITY_RESERVE`, default 0.25). */
  reserveShare: number;
}

/** What polls may spend at one moment, and what is kept for priority work. */
export interface PollAllowance {
  /** Calls polls may still spend by now under the pace: (elapsed share of the day) x (non-reserve budget), less what polls spent. */
  pacedLeft: number;
  /** Calls polls may be granted at most whatever the pace: what is left today once priority work's share is kept. */
  hardLeft: number;
  /** The part of today's reserve priority work has not used yet. */
  reserveLeft: number;
}

/** 00:00 UTC of `now`'s day. */
export function utcDayStart(now: number): number {
  return now - (((now % DAY_MS) + DAY_MS) % DAY_MS);
}

/** The share of the UTC day gone by at `now`, from 0 at 00:00 to 1 at 24:00. */
export function elapsedShareOfDay(now: number): number {
  return (now - utcDayStart(now)) / DAY_MS;
}

/**
 * The poll allowance at `now`. `pollsSpentToday` is what polls spent today, counting grants still running
 * at their estimate; `pollsInFlight` is that estimate's part, not yet in the shared counter.
 * `priorityWaitingCalls` is the priority work queued now: polls keep room for it beyond the reserve, so
 * a notification is never held back by a poll.
 */
export function pollAllowance(input: {
  now: number;
  budget: CcDayBudget;
  pollsSpentToday: number;
  pollsInFlight: number;
  priorityWaitingCalls: number;
}): PollAllowance {
  const { budget } = input;
  const reserve = Math.floor(budget.perDay * budget.reserveShare);
  const paced = Math.floor(elapsedShareOfDay(input.now) * (budget.perDay - reserve));
  const pollsCounted = Math.max(0, input.pollsSpentToday - input.pollsInFlight);
  const prioritySpent = Math.max(0, budget.usedToday - pollsCounted);
  const reserveLeft = Math.max(0, reserve - prioritySpent);
  const keptForPriority = Math.max(reserveLeft, input.priorityWaitingCalls);
  return {
    pacedLeft: Math.max(0, paced - input.pollsSpentToday),
    hardLeft: Math.max(0, budget.perDay - budget.usedToday - input.pollsInFlight - keptForPriority),
    reserveLeft,
  };
}
