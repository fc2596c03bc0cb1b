import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { type AdvisoryLocks, postgresAdvisoryLocks } from '../../src/db/advisory-locks.ts';
import { LockWaitTimeoutError } from '../../src/db/db-errors.ts';
import { createEmptyDatabase } from '../helpers/databases.ts';

type Database = Awaited<ReturnType<typeof createEmptyDatabase>>;

/** A promise with its resolver, to hold a lock until the test lets go. */
function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

/** Resolves once PostgreSQL shows `count` sessions waiting for an advisory lock of this database. */
async function waitersSeen(database: Database, count: number): Promise<void> {
  for (;;) {
    const { rows } = await sql<{ waiting: number }>`
      select count(*)::int as waiting from pg_locks
      where locktype = 'advisory' and not granted
        and database = (select oid from pg_database where datname = current_database())
    `.execute(database.store.db);
    if (rows[0]?.waiting === count) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('advisory locks on PostgreSQL', () => {
  let database: Database;
  // Two processes' worth of locks: each has its own connections, as two connector processes would.
  let first: AdvisoryLocks;
  let second: AdvisoryLocks;

  before(async () => {
    database = await createEmptyDatabase('postgres');
    if (database.config.kind !== 'postgres') throw new Error('expected PostgreSQL');
    first = postgresAdvisoryLocks(database.config.url);
    second = postgresAdvisoryLocks(database.config.url);
  });
  after(async () => {
    await Promise.all([first?.close(), second?.close()]);
    await database?.drop();
  });

  it('makes a second holder wait until the first releases the lock', async () => {
    const events: string[] = [];
    const release = gate();
    const held = gate();
    const one = first.withLock('test', 'org-1', async () => {
      events.push('first holds');
      held.open();
      await release.opened;
      events.push('first releases');
    });
    await held.opened;
    const two = second.withLock('test', 'org-1', async () => {
      events.push('second holds');
    });
    await waitersSeen(database, 1);
    assert.deepEqual(events, ['first holds'], 'the second holder is waiting, not running');
    release.open();
    await Promise.all([one, two]);
    assert.deepEqual(events, ['first holds', 'first releases', 'second holds']);
  });

  it('keeps organizations apart: another id is not blocked', async () => {
    const release = gate();
    const held = gate();
    const one = first.withLock('test', 'org-1', async () => {
      held.open();
      await release.opened;
    });
    await held.opened;
    assert.equal(await second.withLock('test', 'org-2', async () => 'ran'), 'ran');
    release.open();
    await one;
  });

  it('frees the lock when the locked work fails, and passes the failure on', async () => {
    const failure = new Error('the refresh failed');
    await assert.rejects(
      first.withLock('test', 'org-1', async () => {
        throw failure;
      }),
      (error) => error === failure,
    );
    assert.equal(await second.withLock('test', 'org-1', async () => 'free'), 'free');
  });

  it('gives up after the wait bound with a typed error that says what is wrong', async () => {
    if (database.config.kind !== 'postgres') throw new Error('expected PostgreSQL');
    const impatient = postgresAdvisoryLocks(database.config.url, { waitMs: 200 });
    const release = gate();
    const held = gate();
    const one = first.withLock('test', 'org-1', async () => {
      held.open();
      await release.opened;
    });
    try {
      await held.opened;
      let ran = false;
      await assert.rejects(
        impatient.withLock('test', 'org-1', async () => {
          ran = true;
        }),
        (error) =>
          error instanceof LockWaitTimeoutError &&
          error.code === 'DB_LOCK_TIMEOUT' &&
          /another connector process holds/.test(error.message),
      );
      assert.equal(ran, false);
    } finally {
      release.open();
      await one;
    }
    // The impatient side's connection kept no lock and no timeout: the lock is free for it now.
    assert.equal(await impatient.withLock('test', 'org-1', async () => 'free'), 'free');
    await impatient.close();
  });
});
