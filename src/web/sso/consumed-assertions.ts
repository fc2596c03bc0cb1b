import type { SharedStateStore } from '../shared-state/shared-state-store.ts';

/**
 * Assertion ids already used to sign in, kept in the shared state until the assertion would be refused
 * anyway, so a captured SAML Response cannot be posted a second time, to this web process or any other.
 */
export class ConsumedAssertions {
  readonly #store: SharedStateStore;
  readonly #now: () => number;

  constructor(store: SharedStateStore, now: () => number = Date.now) {
    this.#store = store;
    this.#now = now;
  }

  /**
   * Records the tenant's assertion id until `keepUntil` (epoch ms); false when it was already used and is
   * still kept. Of two processes consuming the same id at the same moment, exactly one gets true.
   */
  async consume(tenantId: string, assertionId: string, keepUntil: number): Promise<boolean> {
    const ttlMs = Math.max(1, keepUntil - this.#now());
    return this.#store.putIfAbsent(`consumed-assertion:${tenantId}:${assertionId}`, '1', ttlMs);
  }
}
