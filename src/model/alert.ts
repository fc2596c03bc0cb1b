/**
 * What an organization's admins are told about by email: the organization must connect Constant Contact
 * again, or its runs have failed for a day. Each is watched on its own, with its own episodes.
 */
export const ALERT_KINDS = ['needs_reconnect', 'runs_failing'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** The two emails of an episode: that something is wrong, then that it works again. */
export type AlertEmailKind = 'trouble' | 'recovery';

/**
 * Where one kind of alert of one organization stands, as stored. An episode opens with `status` trouble
 * and ends with ok; the sent columns say which of its two emails went out, so a restart or another
 * process never sends one twice.
 */
export interface AlertState {
  status: 'ok' | 'trouble';
  /** When the trouble began (the reconnect was asked for, or the first failed run ended). */
  troubleSince: string | null;
  /** When the trouble email went out; null while it is owed. */
  troubleSentAt: string | null;
  /** How many admins it went to: none told of the trouble are owed no recovery email. */
  troubleRecipients: number;
  /** When the recovery email went out. */
  recoverySentAt: string | null;
}

/** No episode yet, or the last one closed with nothing owed. */
export const QUIET_ALERT: AlertState = {
  status: 'ok',
  troubleSince: null,
  troubleSentAt: null,
  troubleRecipients: 0,
  recoverySentAt: null,
};

/** A recovery email is owed: the episode ended after its trouble email reached someone. */
export function recoveryOwed(state: AlertState): boolean {
  return (
    state.status === 'ok' &&
    state.troubleSentAt !== null &&
    state.troubleRecipients > 0 &&
    state.recoverySentAt === null
  );
}

/** Failed runs with no successful run between them: since the last success, or the link. */
export interface FailureStreak {
  /** When the first failed run of the streak ended. */
  since: string;
  /** When the last one ended, and what it said. */
  lastAt: string;
  lastError: { code: string; message: string };
}
