import type { Clock } from '../shared/clock.ts';

export type RateDecision =
  | { allowed: true }
  | { allowed: false; reason: 'throttled' | 'quota_exceeded'; resetAt: Date };

/**
 * CC's application limits: requests per second and per UTC day, counted per client id and so shared by
 * every account that application serves. Refused requests do not count.
 */
export class ClientRateLimiter {
  readonly #clock: Clock;
  readonly #perSecond: number;
  readonly #perDay: number;
  readonly #second = new Map<string, { second: number; count: number }>();
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
    // Counted per clock second, as a gateway does: a client that never sends more than `perSecond` in any
    // rolling second is never throttled, whatever its own limiter's design.
    const second = Math.floor(at / 1000);
    const current = this.#second.get(clientId);
    const usedThisSecond = current?.second === second ? current.count : 0;
    if (usedThisSecond >= this.#perSecond) {
      return { allowed: false, reason: 'throttled', resetAt: new Date((second + 1) * 1000) };
    }
    this.#second.set(clientId, { second, count: usedThisSecond + 1 });
    this.#daily.set(clientId, { day, count: usedToday + 1 });
    return { allowed: true };
  }

  /** Requests counted today for a client id. */
  usedToday(clientId: string): number {
    const daily = this.#daily.get(clientId);
    return daily?.day === this.#clock.now().toISOString().slice(0, 10) ? daily.count : 0;
  }
}
