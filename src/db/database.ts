import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { DatabaseConfig } from '../config/config.ts';
import { ensurePrivateDir, makeDatabaseFilePrivate } from '../security/private-files.ts';
import { type AdvisoryLocks, postgresAdvisoryLocks } from './advisory-locks.ts';
import type { Database } from './schema.ts';

export type DatabaseKind = DatabaseConfig['kind'];

/** An open database: the query builder, which engine it is, and how to check and close it. */
export interface Store {
  db: Kysely<Database>;
  kind: DatabaseKind;
  /**
   * Locks held across processes (on connections of their own); null on SQLite, which one process uses by
   * design, so in-process coordination is enough there.
   */
  advisoryLocks: AdvisoryLocks | null;
  /** Resolves when the database answers a trivial query; rejects otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Told when PostgreSQL closes a connection the pool holds idle (a server restart, an administrator). The
 * pool drops that connection and the next query opens another, so nothing fails; without a listener the
 * pool's `error` event would end the process.
 */
export type IdleConnectionLost = (error: Error) => void;

/**
 * Opens SQLite (a file, WAL mode, foreign keys on) or a PostgreSQL pool. Nothing is migrated here: call
 * `migrateToLatest` next.
 */
export function openStore(
  config: DatabaseConfig,
  onIdleConnectionLost: IdleConnectionLost = () => {},
): Store {
  const db =
    config.kind === 'sqlite'
      ? new Kysely<Database>({ dialect: new SqliteDialect({ database: openSqlite(config.file) }) })
      : new Kysely<Database>({
          dialect: new PostgresDialect({
            pool: new pg.Pool({ connectionString: config.url, max: 10, connectionTimeoutMillis: 5_000 }).on(
              'error',
              onIdleConnectionLost,
            ),
          }),
        });
  const advisoryLocks =
    config.kind === 'postgres' ? postgresAdvisoryLocks(config.url, { onIdleConnectionLost }) : null;
  let closed = false;
  return {
    db,
    kind: config.kind,
    advisoryLocks,
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([db.destroy(), advisoryLocks?.close()]);
    },
  };
}

function openSqlite(file: string): SqliteDatabase.Database {
  if (file !== ':memory:') {
    // Contacts' emails and the connector's copy of each account live here: the owner's alone.
    ensurePrivateDir(dirname(file));
    makeDatabaseFilePrivate(file);
  }
  const database = new SqliteDatabase(file);
  database.pragma('journal_mode = WAL');
  // In WAL mode NORMAL cannot corrupt the database; it only skips an fsync per commit, which the sync's many
  // small commits (one per record linked) would otherwise pay for.
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  // Web requests and the sync share one connection; wait on a lock held by another process instead of failing.
  database.pragma('busy_timeout = 5000');
  return database;
}
