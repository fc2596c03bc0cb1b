import type { CacheItem, CacheProvider } from '@node-saml/node-saml';
import type { SharedStateStore } from '../shared-state/shared-state-store.ts';

/**
 * node-saml's cache of the AuthnRequest ids this connector sent, kept in the shared state so a Response
 * answering a request sent by one web process is accepted by another. Ids are kept per tenant (a tenant's
 * IdP can only answer that tenant's requests) and expire after `ttlMs`; node-saml removes one once it is
 * answered.
 */
export class SamlRequestCache implements CacheProvider {
  readonly #store: SharedStateStore;
  readonly #tenantId: string;
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(store: SharedStateStore, tenantId: string, ttlMs: number, now: () => number = Date.now) {
    this.#store = store;
    this.#tenantId = tenantId;
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  #key(requestId: string): string {
    return `saml-request:${this.#tenantId}:${requestId}`;
  }

  async saveAsync(key: string, value: string): Promise<CacheItem | null> {
    const createdAt = this.#now();
    return (await this.#store.putIfAbsent(this.#key(key), value, this.#ttlMs)) ? { value, createdAt } : null;
  }

  async getAsync(key: string): Promise<string | null> {
    return this.#store.get(this.#key(key));
  }

  async removeAsync(key: string | null): Promise<string | null> {
    if (key === null) return null;
    return (await this.#store.delete(this.#key(key))) ? key : null;
  }
}
