import { abortableSleep } from './abortable-sleep.ts';

/**
 * Time as a client sees it: reading the time and waiting. The Constant Contact and Connec! clients (their
 * retries, rate limiter and activity poller) take one, so tests drive them with a manual clock instead of
 * real waits.
 */
export interface ClientClock {
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClientClock: ClientClock = {
  now: () => Date.now(),
  sleep: abortableSleep,
};

/** How a client retries a call that failed for a reason worth another attempt (5xx, timeout, network). */
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
