import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/config.ts';
import { createLogger } from '../../src/logger.ts';
import { buildApp } from '../../src/web/app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.ts';
import { testRedis } from '../helpers/redis.ts';

describe('readiness in scale-out mode', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase('postgres');
  });
  after(async () => {
    await db.drop();
  });

  it('is ready while PostgreSQL and Redis answer, and answers 503 naming Redis once it is gone', async () => {
    const redis = await testRedis();
    const app = await buildApp({
      config: loadConfig({}),
      store: db.store,
      repositories: db.repos,
      logger: createLogger('silent'),
      redis,
    });
    const ok = await app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(ok.statusCode, 200);
    assert.deepEqual(ok.json(), { status: 'ok', database: 'postgres', redis: 'ok' });

    await redis.close();
    const down = await app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(down.statusCode, 503);
    assert.deepEqual(down.json(), {
      status: 'unavailable',
      database: 'postgres',
      redis: 'down',
      down: ['redis'],
      error: 'Redis does not answer.',
    });
    assert.equal((await app.inject({ method: 'GET', url: '/livez' })).statusCode, 200);
    await app.close();
  });
});
