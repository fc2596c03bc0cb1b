import type { RunTrigger } from '../model/sync-run.ts';

/**
 * Queue priority per trigger (1 goes first): what a user or the hub is waiting for comes before a first
 * link's full read, which comes before the planner's polls, which come before a historical backfill.
 */
export const PRIORITY_OF: Record<RunTrigger, number> = {
  manual: 1,
  notification: 1,
  first_link: 2,
  schedule: 3,
  historical: 4,
};

export const PRIORITY_NAMES: Record<number, string> = {
  1: 'priority',
  2: 'first_link',
  3: 'schedule',
  4: 'backfill',
};

/** Runs that wait for the day's budget like polls: they never spend the reserve kept for priority work. */
export function isBackgroundWork(trigger: RunTrigger): boolean {
  return trigger === 'schedule' || trigger === 'historical';
}

/**
 * Run failures worth trying again after a pause (an outage, a throttle); anything else (a lost
 * authorization, an unknown tenant, a cancellation) would fail the same way again.
 */
export const RETRYABLE_RUN_ERRORS: ReadonlySet<string> = new Set([
  'RUN_FAILED',
  'CC_RATE_LIMITED',
  'CC_UNAVAILABLE',
  'CC_TIMEOUT',
  'CC_UNEXPECTED_RESPONSE',
  'CC_ACTIVITY_TIMEOUT',
  'CC_ACTIVITY_QUEUE_FULL',
  'CONNEC_UNAVAILABLE',
  'CONNEC_BAD_RESPONSE',
]);
