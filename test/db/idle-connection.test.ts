import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { openStore } from '../../src/db/database.ts';
import { createEmptyDatabase, POSTGRES_ADMIN_URL, TEST_DATABASES } from '../helpers/databases.ts';

describe('a PostgreSQL connection closed by the server while idle', {
  skip: !TEST_DATABASES.includes('postgres'),
}, () => {
  it('is dropped and told about; the next query opens another, and the process goes on', async () => {
    const empty = await createEmptyDatabase('postgres');
    await empty.store.close();
    const lost: Error[] = [];
    const store = openStore(empty.config, (error) => lost.push(error));
    try {
      await store.ping();
      await store.advisoryLocks?.withLock('test', 'idle', async () => {});
      const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await admin.connect();
      await admin.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [empty.location.split('/').pop()],
      );
      await admin.end();
      for (let i = 0; i < 50 && lost.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(lost.length, 2, 'both pools were told: the query pool and the lock pool');
      assert.match(lost[0]!.message, /terminating connection due to administrator command/);
      const { rows } = await sql<{ one: number }>`select 1 as one`.execute(store.db);
      assert.equal(rows[0]?.one, 1);
    } finally {
      await store.close();
      await empty.drop();
    }
  });
});
