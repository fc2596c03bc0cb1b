import assert from 'node:assert/strict';
import { it } from 'node:test';
import { loadConfig } from '../../src/config/config.ts';
import { createLogger } from '../../src/logger.ts';
import { buildApp } from '../../src/web/app.ts';
import { describeEachDatabase } from '../helpers/databases.ts';

describeEachDatabase('health check', (db) => {
  it('answers ok with the engine in use, and 503 once the database is gone', async () => {
    const { store, repos, kind } = db();
    const app = await buildApp({
      config: loadConfig({}),
      store,
      repositories: repos,
      logger: createLogger('silent'),
    });
    const ok = await app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(ok.statusCode, 200);
    assert.deepEqual(ok.json(), { status: 'ok', database: kind });

    await store.close();
    const down = await app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(down.statusCode, 503);
    assert.deepEqual(down.json(), {
      status: 'unavailable',
      database: kind,
      error: 'The database does not answer.',
    });
    await app.close();
  });
});
