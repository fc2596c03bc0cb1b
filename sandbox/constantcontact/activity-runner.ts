import { randomUUID } from 'node:crypto';
import type { Clock } from '../shared/clock.ts';
import type { ActivityOutcome, CcKnobs } from './cc-knobs.ts';

/** The bulk activities the emulator runs. */
export const activityKinds = [
  'contacts_json_import',
  'add_list_memberships',
  'remove_list_memberships',
  'contact_delete',
  'list_delete',
] as const;
export type ActivityKind = (typeof activityKinds)[number];

/**
 * The moves each state allows (the swagger's `Activity.state`): CC's activities never go back, and the
 * last four states are final.
 */
export const activityTransitions = {
  initialized: ['processing', 'cancelled'],
  processing: ['completed', 'failed', 'cancelled', 'timed_out'],
  completed: [],
  failed: [],
  cancelled: [],
  timed_out: [],
} as const satisfies Record<string, readonly string[]>;
export type ActivityState = keyof typeof activityTransitions;

/** States in which an activity still counts against the account's queue. */
export function isQueued(state: ActivityState): boolean {
  return state === 'initialized' || state === 'processing';
}

/** Counters of the swagger's `ActivityStatus`, whichever apply to the kind. */
export interface ActivityCounts {
  items_total_count: number;
  items_completed_count?: number;
  person_count?: number;
  error_count?: number;
  correctable_count?: number;
  cannot_add_to_list_count?: number;
  list_count?: number;
}

export interface ActivityResult {
  counts: ActivityCounts;
  errors: string[];
}

export interface StoredActivity {
  activity_id: string;
  accountId: string;
  kind: ActivityKind;
  state: ActivityState;
  created_at: string;
  updated_at: string;
  started_at?: string;
  completed_at?: string;
  percent_done: number;
  activity_errors: string[];
  status: ActivityCounts;
}

// What CC says in `activity_errors` when it gives up on a job; CC documents no wording, so these are ours.
const endMessages: Record<Exclude<ActivityOutcome, 'completed' | 'stalled'>, string> = {
  failed: 'The activity failed to complete because of an internal error; none of its items were processed.',
  cancelled: 'The activity was cancelled before it completed; none of its items were processed.',
  timed_out: 'The activity timed out before completing; none of its items were processed.',
};

/**
 * Runs bulk activities in the background: each stays `stepMs` in `initialized` and in `processing`, then
 * ends as the knobs decide (completed by default). Its work is applied only when it completes, so a caller
 * sees the change only after polling to `completed`; an activity that fails, is cancelled or times out
 * changes nothing. A `stalled` one stays `processing` for `activityStallMs` and then completes.
 */
export class ActivityRunner {
  readonly #activities = new Map<string, StoredActivity>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly clock: Clock;
  readonly #stepMs: number;
  readonly #knobs: CcKnobs;
  readonly #random: () => number;

  constructor(options: { clock: Clock; stepMs: number; knobs: CcKnobs; random?: () => number }) {
    this.clock = options.clock;
    this.#stepMs = options.stepMs;
    this.#knobs = options.knobs;
    this.#random = options.random ?? Math.random;
  }

  start(input: {
    accountId: string;
    kind: ActivityKind;
    initialCounts: ActivityCounts;
    work: () => ActivityResult;
  }): StoredActivity {
    const now = this.clock.now().toISOString();
    const activity: StoredActivity = {
      activity_id: randomUUID(),
      accountId: input.accountId,
      kind: input.kind,
      state: 'initialized',
      created_at: now,
      updated_at: now,
      percent_done: 0,
      activity_errors: [],
      status: { ...input.initialCounts },
    };
    this.#activities.set(activity.activity_id, activity);
    const outcome = this.#nextOutcome();
    if (outcome === 'cancelled') {
      // A cancelled job never starts processing.
      this.#later(this.#stepMs, () => this.#end(activity, 'cancelled'));
      return activity;
    }
    this.#later(this.#stepMs, () => {
      this.#move(activity, 'processing');
      const processingMs = outcome === 'stalled' ? this.#knobs.activityStallMs : this.#stepMs;
      this.#later(processingMs, () => {
        if (outcome === 'failed' || outcome === 'timed_out') {
          this.#end(activity, outcome);
          return;
        }
        const result = input.work();
        activity.status = result.counts;
        activity.activity_errors = result.errors;
        this.#move(activity, 'completed');
      });
    });
    return activity;
  }

  /** The activity if it belongs to the account. */
  get(accountId: string, activityId: string): StoredActivity | undefined {
    const activity = this.#activities.get(activityId);
    return activity?.accountId === accountId ? activity : undefined;
  }

  forAccount(accountId: string): StoredActivity[] {
    return [...this.#activities.values()].filter((a) => a.accountId === accountId);
  }

  /** Activities of the account not yet in a final state (CC's "queued activities"). */
  queuedCount(accountId: string): number {
    let queued = 0;
    for (const a of this.#activities.values()) if (a.accountId === accountId && isQueued(a.state)) queued++;
    return queued;
  }

  /** True when the account may not queue another activity (the `activityQueueLimit` knob). */
  queueFull(accountId: string): boolean {
    return this.queuedCount(accountId) >= this.#knobs.activityQueueLimit;
  }

  /** Stops pending work (the emulator is closing). */
  stop(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  /** The end this activity is given: the next forced one, else a failure at the knob's rate, else completed. */
  #nextOutcome(): ActivityOutcome {
    const forced = this.#knobs.activityOutcomes.shift();
    if (forced) return forced;
    const { activityFailureRate, activityFailureEnd } = this.#knobs;
    if (activityFailureRate > 0 && this.#random() < activityFailureRate) return activityFailureEnd;
    return 'completed';
  }

  #later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, ms);
    this.#timers.add(timer);
  }

  #end(activity: StoredActivity, state: 'failed' | 'cancelled' | 'timed_out'): void {
    activity.activity_errors = [endMessages[state]];
    this.#move(activity, state);
  }

  #move(activity: StoredActivity, next: ActivityState): void {
    const allowed: readonly ActivityState[] = activityTransitions[activity.state];
    if (!allowed.includes(next)) {
      throw new Error(`Activity ${activity.activity_id} cannot go from ${activity.state} to ${next}.`);
    }
    const now = this.clock.now().toISOString();
    activity.state = next;
    activity.updated_at = now;
    if (next === 'processing') {
      activity.started_at = now;
      activity.percent_done = 0;
    } else if (next === 'completed') {
      activity.completed_at = now;
      activity.percent_done = 100;
    }
  }
}

/** The activity in the swagger's `Activity` shape. */
export function renderActivity(activity: StoredActivity): Record<string, unknown> {
  const out: Record<string, unknown> = {
    activity_id: activity.activity_id,
    state: activity.state,
    created_at: activity.created_at,
    updated_at: activity.updated_at,
    percent_done: activity.percent_done,
    activity_errors: [...activity.activity_errors],
    status: { ...activity.status },
    _links: { self: { href: `/v3/activities/${activity.activity_id}` } },
  };
  if (activity.started_at) out.started_at = activity.started_at;
  if (activity.completed_at) out.completed_at = activity.completed_at;
  return out;
}
