import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import pg from 'pg';
import { ManualClock } from '../../sandbox/shared/clock.ts';
import type { DatabaseConfig } from '../../src/config/config.ts';
import { openStore, type Store } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { createRepositories, type Repositories } from '../../src/db/repositories/index.ts';
import { TokenCipher } from '../../src/security/token-cipher.ts';

export type DatabaseKind = DatabaseConfig['kind'];

/**
 * The engines every storage suite runs on. `TEST_DATABASES=sqlite` narrows a local run; CI runs both and a
 * PostgreSQL that does not answer fails the suite instead of skipping it.
 */
export const TEST_DATABASES: DatabaseKind[] = (process.env.TEST_DATABASES ?? 'sqlite,postgres')
  .split(',')
  .map((s) => s.trim())
  .filter((s): s is DatabaseKind => s === 'sqlite' || s === 'postgres');

export const POSTGRES_ADMIN_URL =
  process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export const TEST_KEY = randomBytes(32).toString('base64');

export interface TestDatabase {
  kind: DatabaseKind;
  /** Where the suite runs, printed in the test names: a file path or a PostgreSQL database. */
  location: string;
  config: DatabaseConfig;
  store: Store;
  clock: ManualClock;
  cipher: TokenCipher;
  repos: Repositories;
  /** Closes the store and removes the database. */
  drop(): Promise<void>;
}

/** A fresh, empty database (not migrated): a temporary SQLite file, or a new PostgreSQL database. */
export async function createEmptyDatabase(
  kind: DatabaseKind,
): Promise<Omit<TestDatabase, 'repos' | 'cipher' | 'clock'>> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'connector-test-'));
    const config: DatabaseConfig = { kind: 'sqlite', file: join(dir, 'connector.sqlite') };
    const store = openStore(config);
    return {
      kind,
      location: config.file,
      config,
      store,
      async drop() {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `connector_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL does not answer at ${POSTGRES_ADMIN_URL} (${(error as Error).message}). Start it, set TEST_POSTGRES_URL, or run with TEST_DATABASES=sqlite.`,
    );
  }
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  const config: DatabaseConfig = { kind: 'postgres', url: url.toString() };
  const store = openStore(config);
  return {
    kind,
    location: `${url.host}/${name}`,
    config,
    store,
    async drop() {
      await store.close();
      const cleanup = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

/** A fresh, migrated database with repositories on a manual clock. */
export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  const empty = await createEmptyDatabase(kind);
  await migrateToLatest(empty.store.db);
  const clock = new ManualClock('2026-03-01T09:00:00.000Z');
  const cipher = new TokenCipher(TEST_KEY);
  return { ...empty, clock, cipher, repos: createRepositories(empty.store.db, cipher, () => clock.now()) };
}

/**
 * Runs `body` once per engine, each on its own fresh database, with the engine and its location in the
 * suite's name so the output shows where each suite ran.
 */
export function describeEachDatabase(title: string, body: (db: () => TestDatabase) => void): void {
  for (const kind of TEST_DATABASES) {
    let database: TestDatabase | undefined;
    describe(`${title} [${kind}]`, () => {
      before(async () => {
        database = await createTestDatabase(kind);
        process.stdout.write(`# storage suite "${title}" runs on ${kind}: ${database.location}\n`);
      });
      after(async () => {
        await database?.drop();
      });
      body(() => {
        if (!database) throw new Error('the test database is not ready');
        return database;
      });
    });
  }
}
