import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import rateLimit from '@fastify/rate-limit';
import Fastify from 'fastify';
import { openRedis, type SharedRedis } from '../../../src/redis/redis-connection.ts';
import { RedisSharedState } from '../../../src/web/shared-state/redis-shared-state.ts';
import { testRedis } from '../../helpers/redis.ts';
import { sharedStateContract } from './shared-state-contract.ts';

describe('shared state in Redis (scale-out mode)', () => {
  let redis: SharedRedis;
  // One connection per holder, as each web process holds its own.
  const connections: SharedRedis[] = [];
  before(async () => {
    redis = await testRedis();
  });
  after(async () => {
    await Promise.all(connections.map((c) => c.close()));
    await redis.close();
  });
  const holders = (count: number, prefix = redis.prefix) =>
    Array.from({ length: count }, () => {
      const connection = openRedis(redis.url, prefix);
      connections.push(connection);
      return new RedisSharedState(connection);
    });

  describe('as every kind of shared state', () => {
    // Each case gets a fresh key space inside the suite's (cleaned up with it), so cases stay apart.
    let round = 0;
    sharedStateContract((count) => holders(count, `${redis.prefix}:case-${++round}`));
  });

  it("keeps its entries under the deployment's prefix, with Redis expiring them", async () => {
    const [store] = holders(1);
    await store!.putIfAbsent('expiring', 'x', 60_000);
    const key = `${redis.prefix}:web:expiring`;
    assert.equal(await redis.client.get(key), 'x');
    const ttl = await redis.client.pttl(key);
    assert.ok(ttl > 0 && ttl <= 60_000, `a TTL of at most 60 s is set (${ttl} ms)`);
  });

  it('counts login attempts in Redis, so hits on one web process count on another', async () => {
    const apps = await Promise.all(
      holders(2).map(async (store) => {
        const app = Fastify();
        await app.register(rateLimit, { global: false, ...store.rateLimitOptions() });
        app.get('/login', { config: { rateLimit: { max: 3, timeWindow: '1 minute' } } }, async () => 'ok');
        return app;
      }),
    );
    try {
      const hit = (i: number) =>
        apps[i % 2]!.inject({ method: 'GET', url: '/login', remoteAddress: '10.1.2.3' });
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await hit(i)).statusCode);
      assert.deepEqual(statuses, [200, 200, 200, 429], 'the fourth hit is refused, whichever app took it');
      const keys = await redis.client.keys(`${redis.prefix}:web:rate-limit:*`);
      assert.equal(keys.length, 1, "the counter lives under the deployment's prefix");
    } finally {
      await Promise.all(apps.map((app) => app.close()));
    }
  });
});
