import { randomBytes } from 'node:crypto';
import { openRedis, type SharedRedis } from '../../src/redis/redis-connection.ts';

/**
 * The Redis the scale-out suites use. Files that need it are named `*.redis.test.ts`: outside CI,
 * `npm test` leaves them out (and says so) when nothing answers here; in CI they run.
 */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A fresh key space on the test Redis; `close` deletes its keys. */
export async function testRedis(): Promise<SharedRedis> {
  const prefix = `cc-connector-test-${process.pid}-${randomBytes(4).toString('hex')}`;
  const redis = openRedis(TEST_REDIS_URL, prefix);
  try {
    await redis.client.ping();
  } catch (error) {
    await redis.close();
    throw new Error(
      `Redis does not answer at ${TEST_REDIS_URL} (${(error as Error).message}). Start it, or set TEST_REDIS_URL.`,
    );
  }
  const close = redis.close;
  return {
    ...redis,
    async close() {
      await deleteKeys(redis);
      await close();
    },
  };
}

async function deleteKeys(redis: SharedRedis): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.client.scan(cursor, 'MATCH', `${redis.prefix}:*`, 'COUNT', 500);
    if (keys.length > 0) await redis.client.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}
