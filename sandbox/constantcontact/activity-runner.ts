import { randomUUID } from 'node:crypto';
import type { Clock } from '../shared/clock.ts';

/** The bulk activities the emulator runs. */
export const activityKinds = [
  'contacts_json_import',
  'add_list_memberships',
  'remove_list_memberships',
  'contact_delete',
  'list_delete',
] as const;
export type ActivityKind = (typeof activityKinds)[number];

/** States in order, and the only move each allows: CC's activities never go back. */
export const activityTransitions = {
  initialized: 'processing',
  processing: 'completed',
  completed: null,
} as const;
export type ActivityState = keyof typeof activityTransitions;

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

/**
 * Runs bulk activities in the background: each stays `stepMs` in `initialized` and in `processing`, and
 * its work is applied when it completes, so a caller sees the change only after polling to `completed`.
 */
export class ActivityRunner {
  readonly #activities = new Map<string, StoredActivity>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly clock: Clock;
  readonly #stepMs: number;

  constructor(options: { clock: Clock; stepMs: number }) {
    this.clock = options.clock;
    this.#stepMs = options.stepMs;
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
    this.#later(() => {
      this.#advance(activity);
      this.#later(() => {
        const result = input.work();
        activity.status = result.counts;
        activity.activity_errors = result.errors;
        this.#advance(activity);
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

  /** Stops pending work (the emulator is closing). */
  stop(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  #later(fn: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, this.#stepMs);
    this.#timers.add(timer);
  }

  #advance(activity: StoredActivity): void {
    const next = activityTransitions[activity.state];
    if (!next) throw new Error(`Activity ${activity.activity_id} is already ${activity.state}.`);
    const now = this.clock.now().toISOString();
    activity.state = next;
    activity.updated_at = now;
    if (next === 'processing') {
      activity.started_at = now;
      activity.percent_done = 0;
    } else {
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
