/** How one call to Constant Contact ended: its HTTP status, or why no answer came. */
export type CcCallEnd = number | 'timeout' | 'network_error' | 'aborted';

/**
 * Told of every call to Constant Contact (API and token endpoint) as it ends, retries and 401 renewals
 * included: each is a request CC counts against the application's budget.
 */
export interface CcCallMetrics {
  ccCallEnded(end: CcCallEnd): void;
}
