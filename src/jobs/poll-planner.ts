// Decides which organization's Constant Contact side is polled when, within CC's one daily budget for the
// whole application. Pure: the scheduler calls `planPolls` once a minute under a lock with the stored
// states, starts the granted polls, stores the states the grants carry, and reports each poll's outcome
// with `afterPoll` and each sign of life with `onActivity`. Changes made in the hub arrive by notification
// (priority work, outside this plan): only CC's side is polled.
import {
  ACTIVE_HOURS_MEMORY_MS,
  effectiveInterval,
  intervalAfterActivity,
  intervalAfterPoll,
  type PollBounds,
  withActiveHours,
} from './poll-interval.ts';
import { type CcDayBudget, type PollAllowance, pollAllowance, utcDayStart } from './poll-pacing.ts';

/** What the planner keeps per linked organization (one row per organization in the scheduler's store). */
export interface OrganizationPollState {
  organizationId: string;
  tenant: string;
  /** When its CC side was last polled; a grant counts as polled at once. Null before the first poll. */
  lastPolledAt: number | null;
  /** The adaptive interval, between POLL_MIN and POLL_MAX. */
  intervalMs: number;
  /** Last changes found, notification or user on the page. */
  lastActivityAt: number | null;
  /** Hours of the UTC day (bit n: hour n) in which it was active: polled at POLL_MIN in them (see `effectiveInterval`). */
  activeHours: number;
  /** 00:00 UTC of the day `pollCallsToday` counts. */
  pollCallsDay: number;
  /** CC calls its polls spent that day, the running poll counted at its estimate. */
  pollCallsToday: number;
  /** The estimate a running poll was granted with; 0 when none runs. Settled by `afterPoll`. */
  callsInFlight: number;
  /** A first sync or historical backfill is unfinished: it goes on in chunks, after the regular polls. */
  backlog: boolean;
}

export type ActivityKind = 'changes_found' | 'notification' | 'user_on_page';

/** What a poll costs in CC calls. */
export interface PollCost {
  /** The planner's estimate of a regular poll (contact changes since the cursor, the account now and then): about 1-2. */
  estimatedCalls: number;
  /** The most one granted poll may spend (`maxCalls`); a backlog chunk is counted at this. */
  chunkCalls: number;
}

export interface PlanInput {
  now: number;
  organizations: readonly OrganizationPollState[];
  budget: CcDayBudget;
  bounds: PollBounds;
  cost: PollCost;
  /** CC calls the priority work queued right now will need. */
  priorityWaitingCalls: number;
}

/** One poll to start now. */
export interface PollGrant {
  organizationId: string;
  tenant: string;
  /** The poll stops after this many CC calls and reports `moreWork`; the rest is granted in later chunks. */
  maxCalls: number;
  /** The organization's state to store now. */
  state: OrganizationPollState;
}

export interface PollPlan {
  /** In the order to start them. */
  grants: PollGrant[];
  /** Organizations due (or past POLL_MAX) that this plan could not grant for lack of budget. */
  overdue: number;
  pollsSpentToday: number;
  allowance: PollAllowance;
}

/** Ranks, best first: at POLL_MAX (or never polled), due, then backlog chunks only. */
const PAST_MAX = 0;
const DUE = 1;
const BACKLOG = 2;

interface Candidate {
  state: OrganizationPollState;
  rank: number;
  /** Time since the last poll over the interval that applies: 1 is on time, 3 is three intervals' wait. */
  lateness: number;
}

/** The state of an organization just linked: never polled, so it is polled first. */
export function newPollState(
  organizationId: string,
  tenant: string,
  bounds: PollBounds,
): OrganizationPollState {
  return {
    organizationId,
    tenant,
    lastPolledAt: null,
    intervalMs: bounds.minMs,
    lastActivityAt: null,
    activeHours: 0,
    pollCallsDay: 0,
    pollCallsToday: 0,
    callsInFlight: 0,
    backlog: false,
  };
}

/** The state with its call counter moved to `now`'s UTC day. */
function onDay(state: OrganizationPollState, now: number): OrganizationPollState {
  const day = utcDayStart(now);
  return state.pollCallsDay === day ? state : { ...state, pollCallsDay: day, pollCallsToday: 0 };
}

function candidate(state: OrganizationPollState, now: number, bounds: PollBounds): Candidate | null {
  if (state.lastPolledAt === null) return { state, rank: PAST_MAX, lateness: Number.POSITIVE_INFINITY };
  const since = now - state.lastPolledAt;
  // A poll still running is not granted again, unless it has been silent so long it must have been lost.
  if (state.callsInFlight > 0 && since < bounds.maxMs) return null;
  const interval = effectiveInterval(state, now, bounds);
  const lateness = since / interval;
  // Ranked first from POLL_MIN before POLL_MAX, so a minute short of budget cannot make it wait longer.
  if (since >= bounds.maxMs - bounds.minMs) return { state, rank: PAST_MAX, lateness };
  if (since >= interval) return { state, rank: DUE, lateness };
  if (state.backlog) return { state, rank: BACKLOG, lateness };
  return null;
}

function byUrgency(a: Candidate, b: Candidate): number {
  return (
    a.rank - b.rank ||
    b.lateness - a.lateness ||
    (a.state.organizationId < b.state.organizationId
      ? -1
      : a.state.organizationId > b.state.organizationId
        ? 1
        : 0)
  );
}

/**
 * The order polls are granted in: rank by rank, tenants take turns (the tenant whose most urgent
 * organization waits longest first), and within a tenant the most overdue organization goes first. A
 * tenant with thousands of organizations cannot crowd out one with a few.
 */
function fairOrder(candidates: Candidate[]): Candidate[] {
  const ordered: Candidate[] = [];
  for (const rank of [PAST_MAX, DUE, BACKLOG]) {
    const byTenant = new Map<string, Candidate[]>();
    for (const c of candidates) {
      if (c.rank !== rank) continue;
      const queue = byTenant.get(c.state.tenant);
      if (queue) queue.push(c);
      else byTenant.set(c.state.tenant, [c]);
    }
    const queues = [...byTenant.values()]
      .map((q) => q.sort(byUrgency))
      .sort((a, b) => byUrgency(a[0]!, b[0]!));
    for (let turn = 0; queues.some((q) => turn < q.length); turn++) {
      for (const queue of queues) {
        const next = queue[turn];
        if (next) ordered.push(next);
      }
    }
  }
  return ordered;
}

/**
 * Which organizations to poll now, in order, each with its call cap and the state to store. Polls spend at
 * most their paced share of the day's non-reserve budget and never touch what priority work needs; each
 * organization gets one poll per plan (its share), so a large first sync or backfill goes on in chunks
 * of `cost.chunkCalls` while the others are served.
 */
export function planPolls(input: PlanInput): PollPlan {
  const { now, bounds, cost } = input;
  const today = utcDayStart(now);
  let pollsSpentToday = 0;
  let pollsInFlight = 0;
  const candidates: Candidate[] = [];
  for (const state of input.organizations) {
    if (state.pollCallsDay === today) pollsSpentToday += state.pollCallsToday;
    pollsInFlight += state.callsInFlight;
    const c = candidate(state, now, bounds);
    if (c) candidates.push(c);
  }
  const allowance = pollAllowance({
    now,
    budget: input.budget,
    pollsSpentToday,
    pollsInFlight,
    priorityWaitingCalls: input.priorityWaitingCalls,
  });

  let paced = allowance.pacedLeft;
  let hard = allowance.hardLeft;
  const grants: PollGrant[] = [];
  let overdue = 0;
  for (const c of fairOrder(candidates)) {
    const estimate = c.rank === BACKLOG ? cost.chunkCalls : cost.estimatedCalls;
    const maxCalls = cost.chunkCalls;
    if (estimate > paced || maxCalls > hard) {
      if (c.rank !== BACKLOG) overdue++;
      // Budget is short: stop handing out, so no later organization jumps ahead of one waiting longer.
      paced = 0;
      continue;
    }
    paced -= estimate;
    hard -= maxCalls;
    const state = onDay(c.state, now);
    grants.push({
      organizationId: state.organizationId,
      tenant: state.tenant,
      maxCalls,
      state: {
        ...state,
        lastPolledAt: now,
        pollCallsToday: state.pollCallsToday + estimate,
        callsInFlight: estimate,
      },
    });
  }
  return { grants, overdue, pollsSpentToday, allowance };
}

/** How a granted poll went. */
export interface PollOutcome {
  now: number;
  changesFound: boolean;
  /**
   * When the oldest change it read was made in CC (the contacts' `updated_at`): the hours from then on are
   * remembered as active, so the start of a business's day is learned, not just the hours it was read in.
   */
  earliestChangeAt?: number;
  /** CC calls it spent. */
  callsSpent: number;
  /** It stopped at its `maxCalls` with work left (changes or a backlog chunk still to read). */
  moreWork: boolean;
}

/**
 * The state after a granted poll: its real cost replaces the estimate, and its interval adapts (reset by
 * changes found, doubled when idle).
 */
export function afterPoll(
  state: OrganizationPollState,
  outcome: PollOutcome,
  bounds: PollBounds,
): OrganizationPollState {
  const current = onDay(state, outcome.now);
  const settled: OrganizationPollState = {
    ...current,
    pollCallsToday: Math.max(0, current.pollCallsToday - current.callsInFlight) + outcome.callsSpent,
    callsInFlight: 0,
    intervalMs: intervalAfterPoll(state.intervalMs, outcome.changesFound, bounds),
    backlog: outcome.moreWork,
  };
  return outcome.changesFound
    ? onActivity(settled, 'changes_found', outcome.now, bounds, outcome.earliestChangeAt)
    : settled;
}

/**
 * The state after a priority run (notification, manual, first link), which reads CC's changes as every sync
 * run does: it counts as a poll, from the priority reserve rather than the polls' budget, and as activity.
 */
export function afterPriorityRun(
  state: OrganizationPollState,
  outcome: { now: number; changesFound: boolean; earliestChangeAt?: number },
  bounds: PollBounds,
): OrganizationPollState {
  const since = outcome.changesFound ? outcome.earliestChangeAt : undefined;
  return onActivity({ ...state, lastPolledAt: outcome.now }, 'notification', outcome.now, bounds, since);
}

/**
 * The state after a sign of life (changes found, a Connec! notification, a user on the connector page):
 * every kind resets the interval to the minimum and marks the hour active (every hour from `since`, when
 * changes made then were only read now). Hours remembered from before
 * the last week of quiet are forgotten first, so a business that changed its hours is not polled at the old
 * ones forever.
 */
export function onActivity(
  state: OrganizationPollState,
  _kind: ActivityKind,
  now: number,
  bounds: PollBounds,
  since: number = now,
): OrganizationPollState {
  const remembered = state.lastActivityAt !== null && now - state.lastActivityAt <= ACTIVE_HOURS_MEMORY_MS;
  return {
    ...state,
    intervalMs: intervalAfterActivity(bounds),
    lastActivityAt: now,
    activeHours: withActiveHours(remembered ? state.activeHours : 0, since, now),
  };
}
