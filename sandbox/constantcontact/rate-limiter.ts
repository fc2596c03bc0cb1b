import type { Clock } from '../shared/clock.ts';

export type RateDecision =
  | { allowed: true }
  | { allowed: false; reason: 'throttled' | 'quota_exceeded'; resetAt: Date };

const windowMs = 1000;

/**
 * CC's application limits: requests per second and per UTC day, counted per client id and so shared by
 * every account that application serves. Refused requests do not count. The per-second limit is a sliding
 * window: no more than `ratePerSecond` accepted requests in any 1,000 ms, so a burst split across a clock
 * second's boundary is refused as CC's gateway would.
 */
export class ClientRateLimiter {
  readonly #clock: Clock;
  readonly #perSecond: number;
  readonly #perDay: number;
  /** Times (ms) of the requests accepted in the last window, oldest first, per client id. */
  readonly #recent = new Map<string, number[]>();
  readonly #daily = new Map<string, { day: string; count: number }>();

  constructor(options: { clock: Clock; ratePerSecond: number; dailyQuota: number }) {
    this.#clock = options.clock;
    this.#perSecond = options.ratePerSecond;
    this.#perDay = options.dailyQuota;
  }

  take(clientId: string): RateDecision {
    const now = this.#clock.now();
    const at = now.getTime();
    const day = now.toISOString().slice(0, 10);
    const daily = this.#daily.get(clientId);
    const usedToday = daily?.day === day ? daily.count : 0;
    if (usedToday >= this.#perDay) {
      const resetAt = new Date(`${day}T00:00:00.000Z`);
      resetAt.setUTCDate(resetAt.getUTCDate() + 1);
      return { allowed: false, reason: 'quota_exceeded', resetAt };
    }
    const recent = (this.#recent.get(clientId) ?? []).filter((t) => t > at - windowMs);
    if (recent.length >= this.#perSecond) {
      this.#recent.set(clientId, recent);
      // Room comes back when the oldest request in the window leaves it.
      const oldest = recent[recent.length - this.#perSecond]!;
      return { allowed: false, reason: 'throttled', resetAt: new Date(oldest + windowMs) };
    }
    recent.push(at);
    this.#recent.set(clientId, recent);
    this.#daily.set(clientId, { day, count: usedToday + 1 });
    return { allowed: true };
  }

  /** Requests counted today for a client id. */
  usedToday(clientId: string): number {
    const daily = this.#daily.get(clientId);
    return daily?.day === this.#clock.now().toISOString().slice(0, 10) ? daily.count : 0;
  }
}
