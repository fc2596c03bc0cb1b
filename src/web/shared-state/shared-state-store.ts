import type { RateLimitPluginOptions } from '@fastify/rate-limit';

/**
 * What every web process of a deployment must see alike, whichever process a request reaches, and may lose
 * on a restart: SAML request ids and login rate-limit counters (used assertions and signed-out sessions are
 * in the database). Embedded mode keeps it in the process's memory (`MemorySharedState`); scale-out mode in
 * the deployment's Redis (`RedisSharedState`). Every entry expires, so nothing here grows without bound.
 */
export interface SharedStateStore {
  /**
   * Stores `value` under `key` for `ttlMs` unless the key holds an unexpired value. True when this call
   * stored it; atomic across every process sharing the store, so of two processes putting the same key at
   * the same moment exactly one gets true.
   */
  putIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** The unexpired value under `key`, or null. */
  get(key: string): Promise<string | null>;
  /** Removes the key; true when it held an unexpired value. */
  delete(key: string): Promise<boolean>;
  /** Where @fastify/rate-limit counts requests: its own memory store, or this Redis under our prefix. */
  rateLimitOptions(): Pick<RateLimitPluginOptions, 'redis' | 'nameSpace'>;
}
