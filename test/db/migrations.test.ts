import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { createEmptyDatabase, TEST_DATABASES } from '../helpers/databases.ts';

const TABLES = [
  'audit_log',
  'cc_contacts',
  'cc_lists',
  'cc_pending_links',
  'cursors',
  'id_maps',
  'memberships',
  'organizations',
  'poll_states',
  'sync_runs',
  'users',
];

for (const kind of TEST_DATABASES) {
  describe(`migrations [${kind}]`, () => {
    const drops: Array<() => Promise<void>> = [];
    after(async () => {
      for (const drop of drops) await drop();
    });

    it('migrates an empty database to the latest schema, and a second run does nothing', async () => {
      const empty = await createEmptyDatabase(kind);
      drops.push(empty.drop);
      process.stdout.write(`# migrations run on ${kind}: ${empty.location}\n`);
      assert.deepEqual(await migrateToLatest(empty.store.db), [
        '0001-initial',
        '0002-cc-mirror',
        '0003-sync-run-notices',
        '0004-cc-link-handover',
        '0005-poll-states',
      ]);
      assert.deepEqual(await migrateToLatest(empty.store.db), []);
      const tables = (await empty.store.db.introspection.getTables()).map((t) => t.name).sort();
      assert.deepEqual(tables, TABLES);
    });

    // Scale-out mode starts many processes on one PostgreSQL database; the embedded SQLite mode is one process.
    if (kind === 'postgres')
      it('lets two processes migrate the same database at once without harm', async () => {
        const empty = await createEmptyDatabase(kind);
        drops.push(empty.drop);
        const { openStore } = await import('../../src/db/database.ts');
        const second = openStore(empty.config);
        try {
          const [a, b] = await Promise.all([migrateToLatest(empty.store.db), migrateToLatest(second.db)]);
          assert.deepEqual(
            [...a, ...b],
            [
              '0001-initial',
              '0002-cc-mirror',
              '0003-sync-run-notices',
              '0004-cc-link-handover',
              '0005-poll-states',
            ],
          );
        } finally {
          await second.close();
        }
      });
  });
}
