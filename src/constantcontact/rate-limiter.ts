import { type ClientClock, systemClientClock } from './clock.ts';
import { nextUtcMidnight } from './error-mapping.ts';
import { CcQuotaExceededError } from './errors.ts';
import { type Waiter, waitInLine } from './permit-waiters.ts';

/**
 * One granted request. Release it when the answer (or the failure) arrives: CC counts a request when it
 * reaches CC, which is no later than that moment, so a limiter that counts from the release can never let
 * CC see more than its limit, whatever the latency.
 */
export interface RatePermit {
  release(): void;
}

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
  acquire(signal?: AbortSignal): Promise<RatePermit>;
  /**
   * CC said the daily quota is spent (it knows better than our count): refuse every call until `resetAt`.
   * A shared limiter resolves once every process will see the block.
   */
  blockUntil(resetAt: Date): void | Promise<void>;
}

/** How much of the day's CC budget is spent, for metrics and the planner. */
export interface BudgetReading {
  /** Requests per UTC day the limiter grants at most. */
  readonly limit: number;
  /** Requests granted so far in the current UTC day (by every process, for a shared limiter). */
  usedToday(): Promise<number>;
  /** Until when CC said the day's quota is spent (a `quota_exceeded`), or null when it did not. */
  blockedUntil(): Promise<Date | null>;
}

/** The limiter in front of CC's API: it gates every call and tells how much of the day is spent. */
export type CcBudgetLimiter = RateLimiter & BudgetReading;

export interface InMemoryRateLimiterOptions {
  /** Requests per window; CC allows 4 per second. */
  perSecond?: number;
  /** Requests per UTC day; CC allows 10,000. */
  perDay?: number;
  /** Added to the one-second window, as slack for clock granularity on either side. */
  safetyMarginMs?: number;
  clock?: ClientClock;
}

/** A grant inside the window; `doneAt` is null while its request is in flight. */
interface Slot {
  doneAt: number | null;
}

/**
 * A sliding-window limiter for one process: a request holds a slot while in flight and for one second (plus
 * the safety margin) after its answer; at most `perSecond` slots are held, and at most `perDay` grants are
 * given per UTC day, first come, first served.
 *
 * @example
 * const limiter = new InMemoryRateLimiter({ perSecond: 4 });
 * const permit = await limiter.acquire();
 * try { await send(); } finally { permit.release(); }
 */
export class InMemoryRateLimiter implements RateLimiter, BudgetReading {
  readonly #perSecond: number;
  readonly #perDay: number;
  readonly #windowMs: number;
  readonly #clock: ClientClock;
  readonly #queue: Waiter<RatePermit>[] = [];
  #slots: Slot[] = [];
  /** Wakes the drain loop early (a slot was released, or the limiter was blocked). */
  #wake: (() => void) | undefined;
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

  get limit(): number {
    return this.#perDay;
  }

  async usedToday(): Promise<number> {
    return this.grantedToday;
  }

  /** Callers waiting for a slot. */
  get waiting(): number {
    return this.#queue.length;
  }

  acquire(signal?: AbortSignal): Promise<RatePermit> {
    return waitInLine(this.#queue, () => this.#startDraining(), signal);
  }

  async blockedUntil(): Promise<Date | null> {
    return this.#blockedUntil > this.#clock.now() ? new Date(this.#blockedUntil) : null;
  }

  blockUntil(resetAt: Date): void {
    this.#blockedUntil = Math.max(this.#blockedUntil, resetAt.getTime());
    this.#wake?.();
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
        const resetAt =
          now < this.#blockedUntil ? new Date(this.#blockedUntil) : nextUtcMidnight(new Date(now));
        this.#queue.shift();
        head.reject(new CcQuotaExceededError(resetAt));
        continue;
      }
      this.#slots = this.#slots.filter((slot) => slot.doneAt === null || slot.doneAt > now - this.#windowMs);
      if (this.#slots.length < this.#perSecond) {
        this.#grantedToday += 1;
        this.#queue.shift();
        head.resolve(this.#grant());
        continue;
      }
      // Aborted waiters leave the queue on their own; the loop re-reads the head after the wait.
      const done = this.#slots.flatMap((slot) => (slot.doneAt === null ? [] : [slot.doneAt]));
      await this.#waitForChange(done.length > 0 ? Math.min(...done) + this.#windowMs - now : undefined);
    }
  }

  #grant(): RatePermit {
    const slot: Slot = { doneAt: null };
    this.#slots.push(slot);
    return {
      release: () => {
        if (slot.doneAt !== null) return;
        slot.doneAt = this.#clock.now();
        this.#wake?.();
      },
    };
  }

  /** Waits `ms` (for ever when undefined) or until a release or block wakes the loop. */
  async #waitForChange(ms: number | undefined): Promise<void> {
    const woken = new AbortController();
    const wake = new Promise<void>((resolve) => {
      this.#wake = resolve;
    });
    // The sleep is cut short by our own controller; that rejection means "woken", not a failure.
    const timer = ms === undefined ? wake : this.#clock.sleep(ms, woken.signal).catch(() => undefined);
    try {
      await Promise.race([wake, timer]);
    } finally {
      this.#wake = undefined;
      woken.abort();
    }
  }
}

function utcDay(ms: number): number {
  return Math.floor(ms / 86_400_000);
}
