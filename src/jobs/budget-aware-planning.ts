import type { BudgetReading } from '../constantcontact/rate-limiter.ts';
import type { Repositories } from '../db/repositories/index.ts';
import type { PollStateRepository } from '../db/repositories/poll-states.ts';
import type { SyncRun } from '../model/sync-run.ts';
import type { PollBounds } from './poll-interval.ts';
import {
  afterPoll,
  afterPriorityRun,
  newPollState,
  type OrganizationPollState,
  onActivity,
  type PollCost,
  planPolls,
} from './poll-planner.ts';
import type { PollPlanning } from './poll-planning.ts';

/**
 * What a run costs in CC calls, as the planner counts it. A regular poll reads the contacts changed since
 * the cursor (one or two pages); scheduled polls and first links stop after `chunkCalls` requests and go on
 * in later chunks (see `maxCallsFor`), which also sizes what queued priority work is expected to need.
 */
export const DEFAULT_POLL_COST: PollCost = { estimatedCalls: 2, chunkCalls: 25 };

const HOUR_MS = 3_600_000;

export interface BudgetAwarePlanningInput {
  repos: Pick<Repositories, 'pollStates' | 'organizations'>;
  /** The shared CC budget (the client's rate limiter): what every process spent today. */
  budget: BudgetReading;
  /** Share of the day kept for priority work (`config.ccBudget.priorityReserve`). */
  reserveShare: number;
  /** `config.polling`. */
  bounds: PollBounds;
  /** Runs waiting per priority name (the scheduler's `queueDepth`): polls leave room for what they need. */
  queueDepth?: () => Promise<Record<string, number>>;
  cost?: PollCost;
  /** When runs end, for `runFinished`; the system clock by default. */
  now?: () => Date;
}

/**
 * Whether a run found changes made in Constant Contact: anything it wrote (or tried to write) to the hub
 * came from CC. Records it read and left unchanged are not counted: they are mostly the echo of the
 * connector's own writes to CC.
 */
export function ccChangesFound(run: SyncRun): boolean {
  const { created, updated, linked, excluded, failed } = run.counts.hub;
  return created + updated + linked + excluded + failed > 0;
}

/**
 * The planner wired to the database and the shared CC budget: `due` plans from every syncable
 * organization's stored state (a new organization starts never polled, so it goes first) and stores what it
 * grants; `runFinished` settles a poll at its cost and adapts its interval. Called from one place at a
 * time for `due` (the scheduler's tick or repeatable job), from any worker for `runFinished`; the last
 * write of an organization's state wins, which at worst costs it one poll early or late.
 */
export function budgetAwarePlanning(input: BudgetAwarePlanningInput): PollPlanning {
  const { repos, bounds } = input;
  const cost = input.cost ?? DEFAULT_POLL_COST;
  const clock = input.now ?? (() => new Date());

  async function priorityWaitingCalls(): Promise<number> {
    if (!input.queueDepth) return 0;
    const depth = await input.queueDepth();
    return ((depth.priority ?? 0) + (depth.first_link ?? 0)) * cost.chunkCalls;
  }

  async function stateOf(organizationId: string): Promise<OrganizationPollState> {
    const stored = await repos.pollStates.get(organizationId);
    if (stored) return stored;
    const organization = await repos.organizations.get(organizationId);
    return newPollState(organizationId, organization.tenant, bounds);
  }

  return {
    chunkCalls: cost.chunkCalls,

    async due(now) {
      const rows = await repos.pollStates.listSyncable();
      const plan = planPolls({
        now: now.getTime(),
        organizations: rows.map((row) => row.state ?? newPollState(row.organizationId, row.tenant, bounds)),
        budget: {
          perDay: input.budget.limit,
          usedToday: await input.budget.usedToday(),
          reserveShare: input.reserveShare,
        },
        bounds,
        cost,
        priorityWaitingCalls: await priorityWaitingCalls(),
      });
      await repos.pollStates.saveMany(plan.grants.map((grant) => grant.state));
      return plan.grants.map((grant) => grant.organizationId);
    },

    async runFinished(run) {
      const state = await stateOf(run.organizationId);
      await repos.pollStates.saveMany([settledBy(state, run, clock().getTime(), bounds, cost)]);
    },
  };
}

/**
 * The state after a run. A scheduled poll that succeeded adapts the interval (reset by changes, doubled
 * when idle) and is settled at the calls it really sent; one stopped at its chunk with work left keeps a
 * backlog. One that failed or was cancelled found out nothing, so only its cost is settled. A priority
 * run (notification, manual, first link) reads CC's changes too: it counts as a poll and as activity, and
 * settles a poll granted meanwhile, which the queue may have run as this very run.
 */
function settledBy(
  state: OrganizationPollState,
  run: SyncRun,
  now: number,
  bounds: PollBounds,
  cost: PollCost,
): OrganizationPollState {
  const succeeded = run.status === 'succeeded';
  if (run.trigger === 'schedule') {
    const outcome = {
      now,
      changesFound: succeeded && ccChangesFound(run),
      callsSpent: run.ccCalls ?? (state.callsInFlight > 0 ? state.callsInFlight : cost.estimatedCalls),
      moreWork: succeeded && run.moreWork,
    };
    const polled = afterPoll(state, outcome, bounds);
    return succeeded ? polled : { ...polled, intervalMs: state.intervalMs, backlog: state.backlog };
  }
  // A first link stopped at its chunk leaves a backlog, which later plans grant chunk by chunk; a run that
  // went to its end (manual, notification) leaves none.
  const read = succeeded
    ? {
        ...afterPriorityRun(state, { now, changesFound: ccChangesFound(run) }, bounds),
        backlog: run.moreWork,
      }
    : state;
  if (read.callsInFlight === 0) return read;
  return {
    ...read,
    pollCallsToday: Math.max(0, read.pollCallsToday - read.callsInFlight),
    callsInFlight: 0,
  };
}

/**
 * A user opened the organization's connector page: activity, so its CC side is polled at the minimum
 * interval while they are around. Reads one row and writes it only when that changes something (not on
 * every reload within the hour); nothing for an organization the planner has not seen, which is polled
 * first anyway.
 */
export async function recordUserOnPage(
  pollStates: PollStateRepository,
  organizationId: string,
  bounds: PollBounds,
  now: Date,
): Promise<void> {
  const state = await pollStates.get(organizationId);
  if (!state) return;
  const at = now.getTime();
  const sameHour =
    state.lastActivityAt !== null && Math.floor(state.lastActivityAt / HOUR_MS) === Math.floor(at / HOUR_MS);
  if (sameHour && state.intervalMs === bounds.minMs) return;
  await pollStates.saveMany([onActivity(state, 'user_on_page', at, bounds)]);
}
