import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openRedis, redisAnswers } from '../../src/redis/redis-connection.ts';
import { testRedis } from '../helpers/redis.ts';

describe('the shared Redis connection', () => {
  it('keeps every key of a deployment under its prefix', async () => {
    const redis = await testRedis();
    try {
      const key = redis.key('budget', 'day');
      assert.equal(key, `${redis.prefix}:budget:day`);
      await redis.client.set(key, '1');
      const other = redis.duplicate();
      assert.equal(await other.client.get(key), '1');
      await other.close();
      assert.equal(await redisAnswers(redis), true);
    } finally {
      await redis.close();
    }
  });

  it('says Redis is not ready when nothing answers', async () => {
    const redis = openRedis('redis://127.0.0.1:1');
    redis.client.on('error', () => {});
    try {
      assert.equal(await redisAnswers(redis, 300), false);
    } finally {
      redis.client.disconnect();
    }
  });
});
