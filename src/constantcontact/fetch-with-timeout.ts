import type { CcCallMetrics } from './call-metrics.ts';
import { type CcRequestContext, CcTimeoutError, CcUnavailableError } from './errors.ts';

export interface FetchWithTimeoutOptions {
  timeoutMs: number;
  /** The caller's own cancellation; its reason is rethrown untouched (it is not a CC failure). */
  signal?: AbortSignal | undefined;
  context: CcRequestContext;
  fetch?: typeof fetch;
  /** Told how the call ended (status, timeout, network failure or abort). */
  metrics?: CcCallMetrics | undefined;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  /** The body as text ('' when empty); read under the same timeout as the request. */
  text: string;
}

/**
 * One HTTP exchange with a deadline covering the answer and its body. A timeout becomes `CcTimeoutError`, a
 * network failure (refused, reset, dropped connection) `CcUnavailableError`; both are retryable.
 */
export async function fetchWithTimeout(
  url: string,
  init: RequestInit,
  options: FetchWithTimeoutOptions,
): Promise<RawResponse> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  const doFetch = options.fetch ?? fetch;
  // Counted once: an answer whose body then times out was still answered with its status.
  let answered = false;
  try {
    const response = await doFetch(url, { ...init, signal });
    answered = true;
    options.metrics?.ccCallEnded(response.status);
    const text = await response.text();
    return { status: response.status, headers: response.headers, text };
  } catch (error) {
    if (options.signal?.aborted) {
      if (!answered) options.metrics?.ccCallEnded('aborted');
      throw options.signal.reason;
    }
    if (!answered) options.metrics?.ccCallEnded(timeout.aborted ? 'timeout' : 'network_error');
    if (timeout.aborted) throw new CcTimeoutError(options.timeoutMs, options.context, { cause: error });
    throw new CcUnavailableError(`network error (${networkErrorCode(error)})`, options.context, {
      cause: error,
    });
  }
}

// undici reports the socket-level reason (ECONNRESET, ECONNREFUSED, UND_ERR_SOCKET) in `cause`.
function networkErrorCode(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  return error instanceof Error ? error.message : 'unknown';
}
