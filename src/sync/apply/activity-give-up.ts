import {
  CcActivityFailedError,
  CcActivityQueueFullError,
  CcActivityTimeoutError,
} from '../../constantcontact/errors.ts';

/** What a bulk activity was doing, in the words of the "Not shared" list. */
export type BulkJob = 'import' | 'list update';

export type ActivityGiveUp = CcActivityFailedError | CcActivityTimeoutError | CcActivityQueueFullError;

/**
 * A bulk activity that did not do its work, through no fault of its records: CC failed, cancelled or timed
 * it out, it was still processing at the connector's deadline, or CC would not queue it. Its records are
 * recorded as failed and sent again on the next run; any other error stops the run as before.
 */
export function isActivityGiveUp(error: unknown): error is ActivityGiveUp {
  return (
    error instanceof CcActivityFailedError ||
    error instanceof CcActivityTimeoutError ||
    error instanceof CcActivityQueueFullError
  );
}

/** CC would not queue the activity: in this run, the next ones would be refused too, so none is sent. */
export function refusedToQueue(error: ActivityGiveUp): error is CcActivityQueueFullError {
  return error instanceof CcActivityQueueFullError;
}

const retried = 'retried automatically';

/** The reason shown on each record an activity gave up on, e.g. "Constant Contact's bulk import timed out; retried automatically". */
export function activityGiveUpReason(error: ActivityGiveUp, job: BulkJob): string {
  const what = `Constant Contact's bulk ${job}`;
  if (error instanceof CcActivityQueueFullError) {
    return `${what} was not accepted: too many bulk jobs are queued for this account; ${retried}`;
  }
  if (error instanceof CcActivityTimeoutError) {
    return `${what} was still ${error.lastState} when the connector stopped waiting for it; ${retried}`;
  }
  const ended =
    error.state === 'failed'
      ? 'failed'
      : error.state === 'cancelled'
        ? 'was cancelled'
        : error.state === 'timed_out'
          ? 'timed out'
          : `ended as ${error.state}`;
  return `${what} ${ended}; ${retried}`;
}
