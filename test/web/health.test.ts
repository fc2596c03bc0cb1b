import assert from 'node:assert/strict';
import { it } from 'node:test';
import { loadConfig } from '../../src/config/config.ts';
import { createLogger } from '../../src/logger.ts';
import { buildApp } from '../../src/web/app.ts';
import { describeEachDatabase } from '../helpers/databases.ts';

describeEachDatabase('health check', (db) => {
  it('is ready with the engine in use, and answers 503 naming the database once it is gone, still alive', async () => {
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
      down: ['database'],
      error: 'The database does not answer.',
    });
    // Liveness does not depend on the database: restarting the process would not bring it back.
    const alive = await app.inject({ method: 'GET', url: '/livez' });
    assert.equal(alive.statusCode, 200);
    assert.deepEqual(alive.json(), { status: 'ok' });
    await app.close();
  });
});
