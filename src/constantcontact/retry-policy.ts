import { backoffDelay, type ClientClock, type RetryPolicy } from '../retry.ts';
import { CcRateLimitedError, CcTimeoutError, CcUnavailableError } from './errors.ts';

// The policy and its back-off are shared with the Connec! client; what CC retries, and how, is here.
export { backoffDelay, DEFAULT_RETRY_POLICY, type RetryPolicy } from '../retry.ts';

const DEFAULT_MAX_THROTTLED_RETRIES = 30;

/** CC failures worth another attempt: 5xx and unreachable, timeouts, and `throttled` 429s. */
export function isRetryable(
  error: unknown,
): error is CcUnavailableError | CcTimeoutError | CcRateLimitedError {
  return (
    error instanceof CcUnavailableError ||
    error instanceof CcTimeoutError ||
    error instanceof CcRateLimitedError
  );
}

/**
 * CC counts its per-second limit over a sliding second: a throttled caller that waits less than that may
 * find the window still full.
 */
export const THROTTLE_WINDOW_MS = 1000;

/**
 * The delay before the next attempt. On a throttled answer it is at least CC's `Retry-After` when given,
 * and otherwise (CC documents none, so this is what production meets) at least one throttle window; both
 * within the policy's cap.
 */
export function retryDelay(
  error: unknown,
  retry: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const delay = backoffDelay(retry, policy, random);
  if (error instanceof CcRateLimitedError) {
    const floor = error.retryAfterMs ?? THROTTLE_WINDOW_MS;
    return Math.min(policy.maxDelayMs, Math.max(delay, floor));
  }
  return delay;
}

/** The error a caller sees when every attempt failed: the last one's kind, saying how many attempts ran. */
export function exhaustedError(last: unknown, attempts: number): unknown {
  if (last instanceof CcUnavailableError) {
    return new CcUnavailableError(last.detail, last.context, { cause: last, status: last.status, attempts });
  }
  if (last instanceof CcTimeoutError) {
    return new CcTimeoutError(last.timeoutMs, last.context, { cause: last, attempts });
  }
  if (last instanceof CcRateLimitedError) {
    return new CcRateLimitedError(last.context, last.retryAfterMs, { cause: last, attempts });
  }
  return last;
}

export interface RetryOptions {
  policy: RetryPolicy;
  clock: ClientClock;
  signal?: AbortSignal | undefined;
  random?: () => number;
  /** Told about each failed attempt that will be retried (for logs). */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

/**
 * Runs `attempt` until it succeeds, fails with an error that is not retryable, or runs out of tries; then
 * throws the typed error of the last failure. Failures (5xx, timeouts, network) spend `maxAttempts`;
 * throttled answers only spend `maxThrottledRetries`, and each is waited out with its own back-off, so a
 * busy second at CC delays a call without using up the attempts meant for real failures. `attempt` gets the
 * 1-based number of the attempt, throttled ones included.
 */
export async function withRetry<T>(attempt: (n: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const { policy, clock } = options;
  const maxThrottledRetries = policy.maxThrottledRetries ?? DEFAULT_MAX_THROTTLED_RETRIES;
  let failures = 0;
  let throttles = 0;
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (!isRetryable(error)) throw error;
      const throttled = error instanceof CcRateLimitedError;
      if (throttled) throttles += 1;
      else failures += 1;
      if (throttled ? throttles > maxThrottledRetries : failures >= policy.maxAttempts) {
        throw exhaustedError(error, n);
      }
      const delayMs = retryDelay(error, throttled ? throttles : failures, policy, options.random);
      options.onRetry?.(error, n, delayMs);
      await clock.sleep(delayMs, options.signal);
    }
  }
}
