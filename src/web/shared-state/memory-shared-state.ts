import type { SharedStateStore } from './shared-state-store.ts';

/**
 * The embedded mode's shared state: one process, so its memory is shared by every request. Expired entries
 * are dropped as new ones are put.
 */
export class MemorySharedState implements SharedStateStore {
  readonly #entries = new Map<string, { value: string; expiresAt: number }>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  async putIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    const now = this.#now();
    for (const [k, entry] of this.#entries) if (entry.expiresAt <= now) this.#entries.delete(k);
    if (this.#entries.has(key)) return false;
    this.#entries.set(key, { value, expiresAt: now + Math.max(1, ttlMs) });
    return true;
  }

  async get(key: string): Promise<string | null> {
    const entry = this.#entries.get(key);
    if (!entry) return null;
    if (entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return null;
    }
    return entry.value;
  }

  async delete(key: string): Promise<boolean> {
    const held = (await this.get(key)) !== null;
    this.#entries.delete(key);
    return held;
  }

  /** @fastify/rate-limit's default, its in-process store. */
  rateLimitOptions() {
    return {};
  }

  /** Entries not yet expired or not yet dropped (tests). */
  get size(): number {
    return this.#entries.size;
  }
}
