import type { SharedRedis } from '../../redis/redis-connection.ts';
import type { SharedStateStore } from './shared-state-store.ts';

/**
 * The scale-out mode's shared state, in the deployment's Redis under `<prefix>:web:`. Redis expires the
 * entries itself (PX), and `SET ... NX` makes `putIfAbsent` one atomic step, so two web processes
 * consuming the same assertion at the same moment cannot both win.
 */
export class RedisSharedState implements SharedStateStore {
  readonly #redis: SharedRedis;

  constructor(redis: SharedRedis) {
    this.#redis = redis;
  }

  #key(key: string): string {
    return this.#redis.key('web', key);
  }

  async putIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    // PX takes whole milliseconds, at least 1.
    const px = Math.max(1, Math.ceil(ttlMs));
    return (await this.#redis.client.set(this.#key(key), value, 'PX', px, 'NX')) === 'OK';
  }

  async get(key: string): Promise<string | null> {
    return this.#redis.client.get(this.#key(key));
  }

  async delete(key: string): Promise<boolean> {
    return (await this.#redis.client.del(this.#key(key))) > 0;
  }

  /** @fastify/rate-limit's Redis store on our client, its counters under `<prefix>:web:rate-limit:`. */
  rateLimitOptions() {
    return { redis: this.#redis.client, nameSpace: `${this.#key('rate-limit')}:` };
  }
}
