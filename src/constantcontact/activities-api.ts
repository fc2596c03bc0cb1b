import { eitherSignal } from './abort-signals.ts';
import type { ClientClock } from './clock.ts';
import { CcActivityFailedError, CcActivityTimeoutError, CcUnexpectedResponseError } from './errors.ts';
import type { CcCall } from './http-transport.ts';
import { backoffDelay, type RetryPolicy } from './retry-policy.ts';
import type { CcActivity, CcContactsJsonImport } from './types.ts';

/** CC takes at most this many contact ids per membership or delete activity. */
export const MAX_ACTIVITY_CONTACT_IDS = 500;
/** ...and at most this many list ids. */
export const MAX_ACTIVITY_LIST_IDS = 50;

const FINAL_FAILURES = new Set(['failed', 'cancelled', 'timed_out']);

export interface WaitForActivityOptions {
  /** Give up (with `CcActivityTimeoutError`) after this long; the activity may still finish at CC. */
  deadlineMs?: number;
  /** The first poll waits about `baseDelayMs`, each later one twice as long, up to `maxDelayMs`. */
  pollBaseDelayMs?: number;
  pollMaxDelayMs?: number;
  signal?: AbortSignal;
  random?: () => number;
}

/** CC's bulk activities for one organization: asynchronous jobs created by a POST and read by id. */
export class CcActivitiesApi {
  readonly #call: CcCall;
  readonly #clock: ClientClock;
  /** The job's signal: it also ends the pauses between polls, which are no calls. */
  readonly #signal: AbortSignal | undefined;

  constructor(call: CcCall, clock: ClientClock, signal?: AbortSignal) {
    this.#call = call;
    this.#clock = clock;
    this.#signal = signal;
  }

  /**
   * `POST /v3/activities/contacts_json_import`: creates or updates contacts by email. CC answers with an
   * activity, not contact ids; read the contacts back to learn their ids. Use `importContactsInBulk` to
   * respect the request limits.
   */
  importContacts(body: CcContactsJsonImport, signal?: AbortSignal): Promise<CcActivity> {
    return this.#create('/v3/activities/contacts_json_import', body, signal);
  }

  /** `POST /v3/activities/add_list_memberships` for up to 500 contacts and 50 lists. */
  addListMemberships(contactIds: string[], listIds: string[], signal?: AbortSignal): Promise<CcActivity> {
    checkIds(contactIds, listIds);
    return this.#create(
      '/v3/activities/add_list_memberships',
      { source: { contact_ids: contactIds }, list_ids: listIds },
      signal,
    );
  }

  /** `POST /v3/activities/remove_list_memberships` for up to 500 contacts and 50 lists. */
  removeListMemberships(contactIds: string[], listIds: string[], signal?: AbortSignal): Promise<CcActivity> {
    checkIds(contactIds, listIds);
    return this.#create(
      '/v3/activities/remove_list_memberships',
      { source: { contact_ids: contactIds }, list_ids: listIds },
      signal,
    );
  }

  /** `POST /v3/activities/contact_delete` for up to 500 contacts (deleted softly, as one by one). */
  deleteContacts(contactIds: string[], signal?: AbortSignal): Promise<CcActivity> {
    checkIds(contactIds, [], false);
    return this.#create('/v3/activities/contact_delete', { contact_ids: contactIds }, signal);
  }

  /** `GET /v3/activities/{id}`. */
  async get(activityId: string, signal?: AbortSignal): Promise<CcActivity> {
    return checkActivity(
      await this.#call<CcActivity>({
        method: 'GET',
        path: `/v3/activities/${encodeURIComponent(activityId)}`,
        signal,
      }),
      'GET',
    );
  }

  /**
   * Polls the activity with growing pauses until it completes and returns it (its `status.error_count` and
   * `activity_errors` report rows CC refused). Throws `CcActivityFailedError` when CC fails or cancels it,
   * and `CcActivityTimeoutError` when `deadlineMs` passes first.
   */
  async waitForCompletion(
    activity: CcActivity | string,
    options: WaitForActivityOptions = {},
  ): Promise<CcActivity> {
    const activityId = typeof activity === 'string' ? activity : activity.activity_id;
    const deadlineMs = options.deadlineMs ?? 10 * 60_000;
    const poll: RetryPolicy = {
      maxAttempts: Number.POSITIVE_INFINITY,
      baseDelayMs: options.pollBaseDelayMs ?? 500,
      maxDelayMs: options.pollMaxDelayMs ?? 10_000,
    };
    const startedAt = this.#clock.now();
    let current = typeof activity === 'string' ? await this.get(activityId, options.signal) : activity;
    for (let round = 1; ; round++) {
      if (current.state === 'completed') return current;
      if (FINAL_FAILURES.has(current.state)) {
        throw new CcActivityFailedError(activityId, current.state, current.activity_errors ?? []);
      }
      const elapsed = this.#clock.now() - startedAt;
      if (elapsed >= deadlineMs) throw new CcActivityTimeoutError(activityId, current.state, elapsed);
      const delay = Math.min(backoffDelay(round, poll, options.random), deadlineMs - elapsed);
      await this.#clock.sleep(delay, eitherSignal(this.#signal, options.signal));
      current = await this.get(activityId, options.signal);
    }
  }

  async #create(path: string, body: unknown, signal: AbortSignal | undefined): Promise<CcActivity> {
    return checkActivity(await this.#call<CcActivity>({ method: 'POST', path, body, signal }), 'POST', path);
  }
}

function checkIds(contactIds: string[], listIds: string[], listsRequired = true): void {
  if (contactIds.length === 0 || contactIds.length > MAX_ACTIVITY_CONTACT_IDS) {
    throw new RangeError(
      `A CC activity takes 1 to ${MAX_ACTIVITY_CONTACT_IDS} contact ids, not ${contactIds.length}.`,
    );
  }
  if ((listsRequired && listIds.length === 0) || listIds.length > MAX_ACTIVITY_LIST_IDS) {
    throw new RangeError(
      `A CC activity takes 1 to ${MAX_ACTIVITY_LIST_IDS} list ids, not ${listIds.length}.`,
    );
  }
}

function checkActivity(activity: CcActivity, method: string, path = '/v3/activities/{id}'): CcActivity {
  if (!activity || typeof activity.activity_id !== 'string' || typeof activity.state !== 'string') {
    throw new CcUnexpectedResponseError('an activity without activity_id or state', { method, path });
  }
  return activity;
}
