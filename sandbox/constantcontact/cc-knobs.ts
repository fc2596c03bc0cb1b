import type { FaultKnobs } from '../shared/test-knobs.ts';

/**
 * How a bulk activity ends: one of CC's final states, or `stalled` (it stays `processing` for
 * `activityStallMs`, then completes and applies its work, as a job stuck in CC's queue eventually does).
 */
export type ActivityOutcome = 'completed' | 'failed' | 'cancelled' | 'timed_out' | 'stalled';

/**
 * How the CC emulator behaves where CC's contract leaves a choice open or where CC's documented behaviour
 * is harsh: each knob's default is what CC is known or believed to do (docs/fidelity.md says which are
 * guesses). All can be changed while the emulator runs.
 */
export interface CcKnobs extends FaultKnobs {
  /**
   * PUT /v3/contacts/{id} with `list_memberships`: `replace` (default) makes the body's lists the contact's
   * lists; `additive` only adds them. The spec does not settle it.
   */
  listMembershipsOnPut: 'replace' | 'additive';
  /** A new authorization of an account by an application expires the refresh tokens of earlier grants. */
  newGrantRevokesEarlier: boolean;
  /** Token endpoint requests per second per application (429 beyond); 0 turns the limit off. */
  tokenRatePerSecond: number;
  /** Adds a Retry-After header to 429 answers; CC documents none, so off by default. */
  retryAfterHeader: boolean;
  /** End of each of the next activities created, in order; each entry is used once (taken off the list). */
  activityOutcomes: ActivityOutcome[];
  /** Share (0 to 1) of the other activities that end as `activityFailureEnd`; CC publishes no rate. */
  activityFailureRate: number;
  activityFailureEnd: Exclude<ActivityOutcome, 'completed'>;
  /** How long a stalled activity stays `processing` before it completes. */
  activityStallMs: number;
  /**
   * Activities of one account not yet finished (initialized or processing) beyond which creating another
   * answers 429; the swagger says "1,000 queued activities for this user account".
   */
  activityQueueLimit: number;
  /**
   * A list delete (DELETE /v3/contact_lists/{id}) moves its former members' `updated_at`, as any other
   * membership change does. CC does not document it; believed so.
   */
  listDeleteTouchesContacts: boolean;
  /**
   * The account's Confirmed Opt-In setting: POST /v3/contacts/sign_up_form then makes new contacts
   * `pending_confirmation` instead of `explicit`. Off by default, as in a new CC account.
   */
  confirmedOptIn: boolean;
}

/** The knobs an emulator starts with when a test gives none. */
export const defaultCcKnobs: CcKnobs = {
  latencyMs: 0,
  errorRate: 0,
  dropRate: 0,
  listMembershipsOnPut: 'replace',
  newGrantRevokesEarlier: true,
  tokenRatePerSecond: 1,
  retryAfterHeader: false,
  activityOutcomes: [],
  activityFailureRate: 0,
  activityFailureEnd: 'failed',
  activityStallMs: 5 * 60_000,
  activityQueueLimit: 1000,
  listDeleteTouchesContacts: true,
  confirmedOptIn: false,
};
