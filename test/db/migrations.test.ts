import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { type Migration, Migrator, sql } from 'kysely';
import { migrateToLatest } from '../../src/db/migrate.ts';
import * as initial from '../../src/db/migrations/0001-initial.ts';
import * as ccMirror from '../../src/db/migrations/0002-cc-mirror.ts';
import * as syncRunNotices from '../../src/db/migrations/0003-sync-run-notices.ts';
import * as ccLinkHandover from '../../src/db/migrations/0004-cc-link-handover.ts';
import * as pollStates from '../../src/db/migrations/0005-poll-states.ts';
import { createRepositories } from '../../src/db/repositories/index.ts';
import { TokenCipher } from '../../src/security/token-cipher.ts';
import { createEmptyDatabase, TEST_DATABASES, TEST_KEY } from '../helpers/databases.ts';

const TABLES = [
  'access_changes',
  'alerts',
  'audit_log',
  'cc_contacts',
  'cc_lists',
  'cc_pending_links',
  'cursors',
  'id_maps',
  'memberships',
  'organizations',
  'poll_states',
  'spent_tokens',
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
        '0006-run-chunks',
        '0007-historical-trigger',
        '0008-sign-in-guards',
        '0009-account-time-zone',
        '0010-alerts',
      ]);
      assert.deepEqual(await migrateToLatest(empty.store.db), []);
      const tables = (await empty.store.db.introspection.getTables()).map((t) => t.name).sort();
      assert.deepEqual(tables, TABLES);
    });

    it('keeps the runs recorded before runs had a call budget or a historical trigger', async () => {
      const empty = await createEmptyDatabase(kind);
      drops.push(empty.drop);
      const before: Record<string, Migration> = {
        '0001-initial': initial,
        '0002-cc-mirror': ccMirror,
        '0003-sync-run-notices': syncRunNotices,
        '0004-cc-link-handover': ccLinkHandover,
        '0005-poll-states': pollStates,
      };
      const older = new Migrator({ db: empty.store.db, provider: { getMigrations: async () => before } });
      assert.equal((await older.migrateToLatest()).error, undefined);
      const repos = createRepositories(empty.store.db, new TokenCipher(TEST_KEY), () => new Date());
      const org = await repos.organizations.upsert({ tenant: 'maestrano', groupUid: 'cld-old', name: 'Old' });
      const run = await repos.syncRuns.start(org.id, 'schedule');

      assert.deepEqual(await migrateToLatest(empty.store.db), [
        '0006-run-chunks',
        '0007-historical-trigger',
        '0008-sign-in-guards',
        '0009-account-time-zone',
        '0010-alerts',
      ]);
      const kept = await repos.syncRuns.get(run.id);
      assert.equal(kept.trigger, 'schedule');
      assert.equal(kept.ccCalls, null);
      assert.equal(kept.moreWork, false);
      assert.equal((await repos.syncRuns.findRunning(org.id))?.id, run.id, 'the rows were carried over');
      const backfill = await repos.syncRuns.start(org.id, 'historical');
      assert.equal(backfill.trigger, 'historical');
      await assert.rejects(repos.syncRuns.start(org.id, 'whenever' as never), 'the check is still there');
      const rows = await sql<{ n: number }>`select count(*) as n from sync_runs`.execute(empty.store.db);
      assert.equal(Number(rows.rows[0]?.n), 2);
      const done = await repos.syncRuns.finish(run.id, {
        status: 'succeeded',
        counts: kept.counts,
        ccCalls: 25,
        moreWork: true,
      });
      assert.deepEqual([done.ccCalls, done.moreWork], [25, true]);
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
              '0006-run-chunks',
              '0007-historical-trigger',
              '0008-sign-in-guards',
              '0009-account-time-zone',
              '0010-alerts',
            ],
          );
        } finally {
          await second.close();
        }
      });
  });
}
