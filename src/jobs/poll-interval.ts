// How often one organization's Constant Contact side is polled: an adaptive interval between POLL_MIN and
// POLL_MAX, and the hours of the day in which it was seen active. Pure functions, no clock of their own.

/** Bounds of the adaptive interval (`config.polling`). */
export interface PollBounds {
  minMs: number;
  maxMs: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * How long the hours of an organization's past activity keep it polled at the minimum interval: a week,
 * so a business's working hours (09:00-17:00 in its time zone) are remembered over a weekend.
 */
export const ACTIVE_HOURS_MEMORY_MS = 7 * 24 * HOUR_MS;

/** The interval after a poll: back to the minimum when it found changes, doubled (up to the maximum) when idle. */
export function intervalAfterPoll(intervalMs: number, changesFound: boolean, bounds: PollBounds): number {
  if (changesFound) return bounds.minMs;
  return Math.min(bounds.maxMs, Math.max(bounds.minMs, intervalMs * 2));
}

/** Activity (changes found, a notification, a user on the page) resets the interval to the minimum. */
export function intervalAfterActivity(bounds: PollBounds): number {
  return bounds.minMs;
}

/** The bit of `now`'s UTC hour in a 24-bit mask of active hours. */
function hourBit(now: number): number {
  return 1 << new Date(now).getUTCHours();
}

/** The mask with every hour from `from` to `to` marked active (the whole day when they are a day apart). */
export function withActiveHours(activeHours: number, from: number, to: number): number {
  let mask = activeHours;
  const start = Math.max(Math.min(from, to), to - DAY_MS);
  for (let hour = start - (start % HOUR_MS); hour <= to; hour += HOUR_MS) mask |= hourBit(hour);
  return mask;
}

/**
 * The interval that applies at `now`. In an hour of the UTC day in which the organization was active during
 * the last week, it is the minimum whatever idle polls doubled it to: a business that changes contacts
 * from 09:00 has its first change of the morning read within POLL_MIN, not after the night's long interval.
 */
export function effectiveInterval(
  state: { intervalMs: number; activeHours: number; lastActivityAt: number | null },
  now: number,
  bounds: PollBounds,
): number {
  const remembered = state.lastActivityAt !== null && now - state.lastActivityAt <= ACTIVE_HOURS_MEMORY_MS;
  if (remembered && (state.activeHours & hourBit(now)) !== 0) return bounds.minMs;
  return Math.min(bounds.maxMs, Math.max(bounds.minMs, state.intervalMs));
}

/**
 * When the organization's next regular poll falls due (epoch ms): its last poll plus the interval that
 * applies now, or now when it was never polled. The planner may hold a due poll back while CC's budget is
 * short, so this is when it is due, not a promise.
 */
export function nextPollDue(
  state: {
    lastPolledAt: number | null;
    intervalMs: number;
    activeHours: number;
    lastActivityAt: number | null;
  },
  now: number,
  bounds: PollBounds,
): number {
  if (state.lastPolledAt === null) return now;
  return Math.max(now, state.lastPolledAt + effectiveInterval(state, now, bounds));
}
