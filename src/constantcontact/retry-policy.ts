import type { ClientClock } from './clock.ts';
import { CcRateLimitedError, CcTimeoutError, CcUnavailableError } from './errors.ts';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** The ceiling of the first retry's delay; each further retry doubles it. */
  baseDelayMs: number;
  /** No delay is longer than this, `Retry-After` included. */
  maxDelayMs: number;
  /**
   * Throttled answers (CC's per-second limit) waited out before giving up. They do not spend
   * `maxAttempts`: being throttled means "wait your turn", not "this call is failing". Default 30 (with
   * back-off, several minutes of constant throttling).
   */
  maxThrottledRetries?: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 20_000 };

const DEFAULT_MAX_THROTTLED_RETRIES = 30;

/**
 * The wait before retry number `retry` (1 for the first retry): exponential, capped, with "equal jitter" (a
 * random point in the upper half) so many callers failing together do not come back together, while no
 * caller retries at once.
 *
 * @example
 * backoffDelay(1, { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 20_000 }, () => 0); // 250
 * backoffDelay(3, { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 20_000 }, () => 1); // 2000
 */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

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
