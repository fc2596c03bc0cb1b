import type { Clock } from '../shared/clock.ts';
import type { CcKnobs } from './cc-knobs.ts';

export type TokenRateDecision = { allowed: true } | { allowed: false; resetAt: Date };

/**
 * The token endpoint's own limit (CC: about 1 request a second per application, 429 beyond), separate from
 * the /v3 limits. Counted per client id and per clock second, as a gateway does; refused requests do not
 * count. Reads `tokenRatePerSecond` on every request, so a test can change it while the emulator runs.
 */
export class TokenEndpointLimiter {
  readonly #clock: Clock;
  readonly #knobs: Pick<CcKnobs, 'tokenRatePerSecond'>;
  readonly #second = new Map<string, { second: number; count: number }>();

  constructor(options: { clock: Clock; knobs: Pick<CcKnobs, 'tokenRatePerSecond'> }) {
    this.#clock = options.clock;
    this.#knobs = options.knobs;
  }

  take(clientId: string): TokenRateDecision {
    const limit = this.#knobs.tokenRatePerSecond;
    if (!(limit > 0)) return { allowed: true };
    const second = Math.floor(this.#clock.now().getTime() / 1000);
    const current = this.#second.get(clientId);
    const used = current?.second === second ? current.count : 0;
    if (used >= limit) return { allowed: false, resetAt: new Date((second + 1) * 1000) };
    this.#second.set(clientId, { second, count: used + 1 });
    return { allowed: true };
  }
}
