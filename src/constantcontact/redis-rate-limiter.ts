import type { Logger } from 'pino';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { SharedRedis } from '../redis/redis-connection.ts';
import { type ClientClock, systemClientClock } from './clock.ts';
import { nextUtcMidnight } from './error-mapping.ts';
import { CcQuotaExceededError } from './errors.ts';
import { type Waiter, waitInLine } from './permit-waiters.ts';
import type { BudgetReading, RateLimiter, RatePermit } from './rate-limiter.ts';

export interface RedisRateLimiterOptions {
  /** The deployment's Redis; every process that passes the same one (same prefix) shares one budget. */
  redis: SharedRedis;
  /** Requests in any one-second window, across every process; CC allows 4. */
  perSecond?: number;
  /** Requests per UTC day, across every process; CC allows 10,000. */
  perDay?: number;
  /**
   * The name of this budget in the deployment's key space (default `cc-budget`, the API's): limiters with
   * the same Redis and name share one budget, a limiter of another name has its own (the token endpoint's).
   */
  budgetName?: string;
  /** Added to the one-second window, as slack for clock granularity and Redis round trips. */
  safetyMarginMs?: number;
  /**
   * Longest a slot stays taken by a request still in flight. Only a process that dies mid-request leaves
   * its slot to this; it must exceed the transport's timeout (30 s by default) by far.
   */
  inFlightLeaseMs?: number;
  /**
   * Pause between two looks at the shared slots while one is taken by a request in flight (another
   * process's answer frees a slot without telling us). Default 50 ms.
   */
  pollMs?: number;
  clock?: ClientClock;
  /**
   * Told when a slot could not be handed back (it then stays taken until its lease ends: fewer calls, never
   * more). Without one, a process warning says so.
   */
  logger?: Pick<Logger, 'warn'> | undefined;
}

/** What one look at the shared budget found. */
type Attempt =
  | { kind: 'granted'; slot: string; day: string }
  | { kind: 'refused'; resetAt: Date }
  | { kind: 'wait'; ms: number };

/**
 * The CC budget shared by every process of a deployment, kept in Redis with rate-limiter-flexible.
 *
 * Why slots: the library counts in fixed windows that start at the first call, so "4 per 1 s" could grant 4
 * at the end of one window and 4 more at the start of the next: 8 within a few milliseconds, where CC counts
 * over a sliding second and would answer 429. Instead each of the `perSecond` slots is a library counter of
 * one point. A request takes a free slot (an atomic consume) and holds it while in flight; when its answer
 * arrives, the slot is set to expire one second plus the safety margin later. A slot is therefore used at
 * most once per second, counted from the moment CC has certainly received the request, so no one-second
 * window at CC can hold more than `perSecond` requests, whatever the latency or the number of processes.
 * (The same rule as `InMemoryRateLimiter`; a token bucket would have needed our own Redis script.)
 *
 * The day's budget is a second library counter whose key carries the UTC day (and expires after two days);
 * a `quota_exceeded` from CC is kept as a shared blocked-until time that every process reads.
 *
 * Within a process callers wait in order, and only the head of the queue asks Redis, pausing for the
 * library's `msBeforeNext` while every slot is taken (at most `pollMs` when a slot's request is still in
 * flight, as its answer may come at any time).
 *
 * @example
 * const limiter = new RedisRateLimiter({ redis, perSecond: config.ccBudget.perSecond, perDay: config.ccBudget.perDay });
 * const permit = await limiter.acquire(signal);
 * try { await send(); } finally { permit.release(); }
 */
export class RedisRateLimiter implements RateLimiter, BudgetReading {
  readonly #redis: SharedRedis;
  readonly #perSecond: number;
  readonly #perDay: number;
  readonly #windowMs: number;
  readonly #pollMs: number;
  readonly #clock: ClientClock;
  readonly #logger: Pick<Logger, 'warn'> | undefined;
  readonly #slots: RateLimiterRedis;
  readonly #days: RateLimiterRedis;
  readonly #blockedKey: string;
  readonly #queue: Waiter<RatePermit>[] = [];
  /** Where the next search for a free slot starts, so one process does not always wear slot 0 first. */
  #nextSlot = 0;
  /** This process's own latest block: refuses at once, before Redis has even been written. */
  #blockedUntil = 0;
  #wake: (() => void) | undefined;
  #draining = false;

  constructor(options: RedisRateLimiterOptions) {
    this.#redis = options.redis;
    this.#perSecond = options.perSecond ?? 4;
    this.#perDay = options.perDay ?? 10_000;
    this.#windowMs = 1000 + (options.safetyMarginMs ?? 50);
    this.#pollMs = options.pollMs ?? 50;
    this.#clock = options.clock ?? systemClientClock;
    this.#logger = options.logger;
    if (!Number.isInteger(this.#perSecond) || this.#perSecond < 1 || !(this.#perDay >= 1)) {
      throw new RangeError('RedisRateLimiter needs a whole perSecond and a perDay of at least 1.');
    }
    const { client } = options.redis;
    const name = options.budgetName ?? 'cc-budget';
    this.#slots = new RateLimiterRedis({
      storeClient: client,
      keyPrefix: options.redis.key(name, 'slot'),
      points: 1,
      // The library counts whole seconds.
      duration: Math.ceil((options.inFlightLeaseMs ?? 5 * 60_000) / 1000),
    });
    this.#days = new RateLimiterRedis({
      storeClient: client,
      keyPrefix: options.redis.key(name, 'day'),
      points: this.#perDay,
      // The key names its day; two days keep yesterday's figure readable past midnight, then it goes.
      duration: 2 * 86_400,
    });
    this.#blockedKey = options.redis.key(name, 'blocked-until');
  }

  get limit(): number {
    return this.#perDay;
  }

  /** Requests granted today by every process sharing this Redis key space. */
  async usedToday(): Promise<number> {
    const reading = await this.#days.get(utcDayKey(this.#clock.now()));
    // Refused consumes count too in the library's counter; what was granted is at most the limit.
    return Math.min(reading?.consumedPoints ?? 0, this.#perDay);
  }

  async blockedUntil(): Promise<Date | null> {
    const shared = Number((await this.#redis.client.get(this.#blockedKey)) ?? 0);
    const until = Math.max(shared, this.#blockedUntil);
    return until > this.#clock.now() ? new Date(until) : null;
  }

  /** Callers of this process waiting for budget. */
  get waiting(): number {
    return this.#queue.length;
  }

  acquire(signal?: AbortSignal): Promise<RatePermit> {
    return waitInLine(this.#queue, () => this.#startDraining(), signal);
  }

  /**
   * Refuses every call of every process until `resetAt`. Resolves once the block is in Redis; this process
   * refuses at once.
   */
  async blockUntil(resetAt: Date): Promise<void> {
    const until = resetAt.getTime();
    this.#blockedUntil = Math.max(this.#blockedUntil, until);
    this.#wake?.();
    const current = Number((await this.#redis.client.get(this.#blockedKey)) ?? 0);
    // Not atomic with the read: concurrent writers all write CC's next midnight, so no block is shortened.
    if (current >= until) return;
    const ttlMs = Math.max(0, until - this.#clock.now()) + 60_000;
    await this.#redis.client.set(this.#blockedKey, String(until), 'PX', ttlMs);
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
      let attempt: Attempt;
      try {
        attempt = await this.#tryOnce();
      } catch (error) {
        // Redis failed this look (commands wait through a restart, so this is not an outage): the head
        // caller gets the failure, the others try again.
        this.#queue.shift()?.reject(error);
        continue;
      }
      if (attempt.kind === 'granted') {
        // The caller the look was for may have aborted meanwhile: the next one takes the grant.
        const head = this.#queue.shift();
        if (head) head.resolve(this.#permit(attempt.slot));
        else
          await this.#giveBack(attempt.slot, attempt.day).catch((error: unknown) =>
            this.#warn(error, attempt.slot),
          );
      } else if (attempt.kind === 'refused') {
        // The day is spent or blocked for every caller alike.
        for (const waiter of this.#queue.splice(0)) waiter.reject(new CcQuotaExceededError(attempt.resetAt));
      } else {
        await this.#waitForChange(attempt.ms);
      }
    }
  }

  async #tryOnce(): Promise<Attempt> {
    const now = this.#clock.now();
    const shared = Number((await this.#redis.client.get(this.#blockedKey)) ?? 0);
    const blockedUntil = Math.max(this.#blockedUntil, shared);
    if (now < blockedUntil) return { kind: 'refused', resetAt: new Date(blockedUntil) };
    const slot = await this.#takeSlot();
    if (typeof slot === 'number') return { kind: 'wait', ms: slot };
    const day = utcDayKey(now);
    try {
      await this.#days.consume(day);
    } catch (error) {
      // No request goes out on this slot: free it at once.
      await this.#slots.delete(slot);
      if (error instanceof RateLimiterRes)
        return { kind: 'refused', resetAt: nextUtcMidnight(new Date(now)) };
      throw error;
    }
    return { kind: 'granted', slot, day };
  }

  /** The name of a slot now taken, or how long until one may be free. */
  async #takeSlot(): Promise<string | number> {
    let soonest = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.#perSecond; i++) {
      const slot = String((this.#nextSlot + i) % this.#perSecond);
      try {
        await this.#slots.consume(slot);
        this.#nextSlot = (Number(slot) + 1) % this.#perSecond;
        return slot;
      } catch (error) {
        if (!(error instanceof RateLimiterRes)) throw error;
        // A slot past its answer frees itself exactly then; one still in flight (its lease is longer than
        // a window) frees whenever its answer comes, in whichever process: look again soon.
        const inFlight = error.msBeforeNext > this.#windowMs;
        soonest = Math.min(soonest, inFlight ? this.#pollMs : error.msBeforeNext);
      }
    }
    return Math.max(1, soonest);
  }

  #permit(slot: string): RatePermit {
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        // The slot stays taken for one window after the answer (see the class comment).
        this.#redis.client.pexpire(this.#slots.getKey(slot), this.#windowMs).then(
          () => this.#wake?.(),
          (error: unknown) => this.#warn(error, slot),
        );
      },
    };
  }

  /** A slot that could not be handed back stays taken until its lease ends: fewer calls, never more. */
  #warn(error: unknown, slot: string): void {
    const message = 'could not hand a CC budget slot back; it stays taken until its lease ends';
    if (this.#logger) this.#logger.warn({ err: error, slot }, message);
    else process.emitWarning(`${message}: ${(error as Error).message}`, 'RedisRateLimiterWarning');
  }

  /** Returns a grant nobody is left to use: the slot is freed and the day's point given back. */
  async #giveBack(slot: string, day: string): Promise<void> {
    await this.#slots.delete(slot);
    await this.#days.reward(day);
  }

  /** Waits `ms` or until a local release or block wakes the loop. */
  async #waitForChange(ms: number): Promise<void> {
    const woken = new AbortController();
    const wake = new Promise<void>((resolve) => {
      this.#wake = resolve;
    });
    // The sleep is cut short by our own controller; that rejection means "woken", not a failure.
    const timer = this.#clock.sleep(ms, woken.signal).catch(() => undefined);
    try {
      await Promise.race([wake, timer]);
    } finally {
      this.#wake = undefined;
      woken.abort();
    }
  }
}

/** `2026-03-10`: the UTC day a request counts against. */
function utcDayKey(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
