import { type ClientClock, systemClientClock } from './clock.ts';
import { nextUtcMidnight } from './error-mapping.ts';
import { CcQuotaExceededError } from './errors.ts';

/**
 * The gate in front of every Constant Contact API call. CC's limits are per application, shared by every
 * organization, so one limiter serves the whole process (and a shared implementation, e.g. on Redis, the
 * whole deployment).
 */
export interface RateLimiter {
  /**
   * Resolves when one request may be sent. Callers wait their turn in order rather than failing; rejects with
   * `CcQuotaExceededError` when the day's budget is spent, or with the signal's reason when it aborts.
   */
  acquire(signal?: AbortSignal): Promise<void>;
  /** CC said the daily quota is spent (it knows better than our count): refuse every call until `resetAt`. */
  blockUntil(resetAt: Date): void;
}

export interface InMemoryRateLimiterOptions {
  /** Requests per window; CC allows 4 per second. */
  perSecond?: number;
  /** Requests per UTC day; CC allows 10,000. */
  perDay?: number;
  /**
   * Added to the one-second window. Requests leave us spaced by the window but reach CC spaced by the window
   * plus differences in latency, so a little slack keeps CC's own count from seeing five in one second.
   */
  safetyMarginMs?: number;
  clock?: ClientClock;
}

interface Waiter {
  resolve: () => void;
  reject: (reason: unknown) => void;
}

/**
 * A sliding-window limiter for one process: at most `perSecond` grants in any window of one second (plus the
 * safety margin) and `perDay` grants per UTC day, granted first come, first served.
 *
 * @example
 * const limiter = new InMemoryRateLimiter({ perSecond: 4 });
 * await Promise.all(Array.from({ length: 8 }, () => limiter.acquire())); // takes about one second
 */
export class InMemoryRateLimiter implements RateLimiter {
  readonly #perSecond: number;
  readonly #perDay: number;
  readonly #windowMs: number;
  readonly #clock: ClientClock;
  readonly #queue: Waiter[] = [];
  /** Grant times inside the current window, oldest first. */
  readonly #recent: number[] = [];
  #day = -1;
  #grantedToday = 0;
  #blockedUntil = 0;
  #draining = false;

  constructor(options: InMemoryRateLimiterOptions = {}) {
    this.#perSecond = options.perSecond ?? 4;
    this.#perDay = options.perDay ?? 10_000;
    this.#windowMs = 1000 + (options.safetyMarginMs ?? 50);
    this.#clock = options.clock ?? systemClientClock;
    if (!(this.#perSecond >= 1) || !(this.#perDay >= 1)) {
      throw new RangeError('InMemoryRateLimiter needs perSecond and perDay of at least 1.');
    }
  }

  /** Grants given so far in the current UTC day (for metrics and tests). */
  get grantedToday(): number {
    return this.#day === utcDay(this.#clock.now()) ? this.#grantedToday : 0;
  }

  /** Callers waiting for a slot. */
  get waiting(): number {
    return this.#queue.length;
  }

  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject };
      if (signal) {
        const onAbort = () => {
          const index = this.#queue.indexOf(waiter);
          if (index >= 0) this.#queue.splice(index, 1);
          reject(signal.reason);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        waiter.resolve = () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        };
        waiter.reject = (reason) => {
          signal.removeEventListener('abort', onAbort);
          reject(reason);
        };
      }
      this.#queue.push(waiter);
      this.#startDraining();
    });
  }

  blockUntil(resetAt: Date): void {
    this.#blockedUntil = Math.max(this.#blockedUntil, resetAt.getTime());
    this.#startDraining();
  }

  #startDraining(): void {
    if (this.#draining) return;
    this.#draining = true;
    this.#drain().finally(() => {
      this.#draining = false;
      // A caller may have queued between the loop's last check and this callback.
      if (this.#queue.length > 0) this.#startDraining();
    });
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const now = this.#clock.now();
      const head = this.#queue[0]!;
      const day = utcDay(now);
      if (day !== this.#day) {
        this.#day = day;
        this.#grantedToday = 0;
      }
      if (now < this.#blockedUntil || this.#grantedToday >= this.#perDay) {
        const resetAt = now < this.#blockedUntil ? new Date(this.#blockedUntil) : nextUtcMidnight(new Date(now));
        this.#queue.shift();
        head.reject(new CcQuotaExceededError(resetAt));
        continue;
      }
      while (this.#recent.length > 0 && this.#recent[0]! <= now - this.#windowMs) this.#recent.shift();
      if (this.#recent.length < this.#perSecond) {
        this.#recent.push(now);
        this.#grantedToday += 1;
        this.#queue.shift();
        head.resolve();
        continue;
      }
      // Aborted waiters leave the queue on their own; the loop re-reads the head after the wait.
      await this.#clock.sleep(this.#recent[0]! + this.#windowMs - now);
    }
  }
}

function utcDay(ms: number): number {
  return Math.floor(ms / 86_400_000);
}
