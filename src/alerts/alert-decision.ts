import {
  type AlertEmailKind,
  type AlertKind,
  type AlertState,
  type FailureStreak,
  QUIET_ALERT,
  recoveryOwed,
} from '../model/alert.ts';

/** Runs failing for this long, with a failure within it and no success, tell the admins. */
export const RUNS_FAILING_AFTER_MS = 24 * 60 * 60_000;

/** What is known of the organization now, as far as its alerts go. */
export interface AlertFacts {
  /** Deleted on the platform: nothing of it is watched any more, and no one is left to tell. */
  deleted: boolean;
  /** Linked to a Constant Contact account. */
  linked: boolean;
  needsReconnect: { reason: string; since: string } | null;
  failures: FailureStreak | null;
}

/**
 * How one kind of alert looks now: in trouble (since when), clear, or no longer watched (the organization
 * was disconnected by a user or deleted, so there is nothing to recover from).
 */
export type AlertCondition = { is: 'trouble'; since: string } | { is: 'clear' } | { is: 'ended' };

/**
 * One move of an alert. `save` changes its state without an email; `send` sends an email, after which the
 * state is `afterSending`'s. Moves are taken one at a time, each decided again from what was stored.
 */
export type AlertStep =
  | { do: 'save'; why: 'open' | 'resume' | 'resolve' | 'dismiss'; next: AlertState }
  | { do: 'send'; email: AlertEmailKind };

/**
 * Whether the organization is in trouble of this kind now. Runs failing become trouble once the failures
 * began at least 24 hours ago, the last of them fell within those 24 hours, and no reconnect is asked for
 * (that email says what to do); the trouble then lasts until a run succeeds.
 */
export function conditionOf(
  kind: AlertKind,
  facts: AlertFacts,
  state: AlertState,
  now: Date,
): AlertCondition {
  if (facts.deleted) return { is: 'ended' };
  if (kind === 'needs_reconnect') {
    if (facts.needsReconnect) return { is: 'trouble', since: facts.needsReconnect.since };
    return facts.linked ? { is: 'clear' } : { is: 'ended' };
  }
  if (!facts.linked) return { is: 'ended' };
  const streak = facts.failures;
  if (!streak) return { is: 'clear' };
  if (state.status === 'trouble' && state.troubleSince !== null) {
    // A streak that began later than the episode means a run succeeded in between: that episode is over.
    return streak.since <= state.troubleSince
      ? { is: 'trouble', since: state.troubleSince }
      : { is: 'clear' };
  }
  const at = now.getTime();
  const longEnough = at - Date.parse(streak.since) >= RUNS_FAILING_AFTER_MS;
  const stillFailing = at - Date.parse(streak.lastAt) < RUNS_FAILING_AFTER_MS;
  return longEnough && stillFailing && !facts.needsReconnect
    ? { is: 'trouble', since: streak.since }
    : { is: 'clear' };
}

/**
 * The next move of an alert, or null when there is none. An episode's trouble email goes once, and its
 * recovery email once after it, never without it: an episode that ended before anyone was told ends
 * quietly. Trouble that comes back while the recovery email is still owed continues the episode the
 * admins were told of, with no second trouble email. A disconnected or deleted organization's episode is
 * dropped without an email.
 *
 * @example
 * decideAlert('needs_reconnect', null, { deleted: false, linked: true, needsReconnect: { reason, since }, failures: null }, now)
 * // → { do: 'save', why: 'open', next: { status: 'trouble', troubleSince: since, troubleSentAt: null, ... } }
 * // and once that is stored, the same facts give { do: 'send', email: 'trouble' }
 */
export function decideAlert(
  kind: AlertKind,
  stored: AlertState | null,
  facts: AlertFacts,
  now: Date,
): AlertStep | null {
  const state = stored ?? QUIET_ALERT;
  const condition = conditionOf(kind, facts, state, now);
  switch (condition.is) {
    case 'trouble':
      if (state.status === 'trouble')
        return state.troubleSentAt === null ? { do: 'send', email: 'trouble' } : null;
      if (recoveryOwed(state)) {
        return {
          do: 'save',
          why: 'resume',
          next: { ...state, status: 'trouble', troubleSince: condition.since },
        };
      }
      return {
        do: 'save',
        why: 'open',
        next: { ...QUIET_ALERT, status: 'trouble', troubleSince: condition.since },
      };
    case 'clear':
      if (state.status === 'trouble') return { do: 'save', why: 'resolve', next: { ...state, status: 'ok' } };
      return recoveryOwed(state) ? { do: 'send', email: 'recovery' } : null;
    case 'ended':
      return state.status === 'trouble' || recoveryOwed(state)
        ? { do: 'save', why: 'dismiss', next: QUIET_ALERT }
        : null;
  }
}

/** The state once `email` went out at `at` to `recipients` admins (none: no one was there to tell). */
export function afterSending(
  state: AlertState,
  email: AlertEmailKind,
  at: Date,
  recipients: number,
): AlertState {
  return email === 'trouble'
    ? { ...state, troubleSentAt: at.toISOString(), troubleRecipients: recipients }
    : { ...state, recoverySentAt: at.toISOString() };
}
