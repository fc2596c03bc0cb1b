import { createHash } from 'node:crypto';
import pg from 'pg';
import { LockWaitTimeoutError } from './db-errors.ts';

/** PostgreSQL's answer when `lock_timeout` ends a wait (`lock_not_available`). */
const LOCK_NOT_AVAILABLE = '55P03';

/** Waiting longer than this for a lock means its holder is stuck, not busy. */
export const DEFAULT_LOCK_WAIT_MS = 30_000;

/**
 * Locks shared by every process on one PostgreSQL database: while `body` runs, no other process (nor
 * another caller of this one) holds the same lock.
 */
export interface AdvisoryLocks {
  /**
   * Runs `body` holding the lock named by `namespace` and `id`, waiting at most the configured bound for
   * it (`LockWaitTimeoutError` after). The lock is released when `body` settles, and by PostgreSQL if the
   * process dies while holding it.
   */
  withLock<T>(namespace: string, id: string, body: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** The two 32-bit keys of `pg_advisory_lock(int, int)`: the namespace's, then the id's. */
export function advisoryLockKeys(namespace: string, id: string): [number, number] {
  return [int32Of(namespace), int32Of(`${namespace}\u0000${id}`)];
}

function int32Of(text: string): number {
  return createHash('sha256').update(text).digest().readInt32BE(0);
}

/**
 * Session-level advisory locks, each held on a connection of a small pool of their own. Their own pool,
 * not the store's: a holder's body reads and writes through the store's pool, so holders and waiters
 * sharing it could take every connection and leave the bodies none.
 *
 * The keys use the two-int form (the namespace hashed into the first), which PostgreSQL keeps apart from
 * the single-bigint form, so they cannot meet a lock another tool takes on the same database. Two ids whose
 * hashes collide merely share a lock.
 */
export function postgresAdvisoryLocks(
  connectionString: string,
  options: { waitMs?: number; maxConnections?: number; onIdleConnectionLost?: (error: Error) => void } = {},
): AdvisoryLocks {
  const waitMs = options.waitMs ?? DEFAULT_LOCK_WAIT_MS;
  const pool = new pg.Pool({
    connectionString,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: waitMs,
  });
  // See IdleConnectionLost in database.ts: an idle connection the server closed is dropped, not fatal.
  pool.on('error', options.onIdleConnectionLost ?? (() => {}));
  let closed = false;
  return {
    async withLock<T>(namespace: string, id: string, body: () => Promise<T>): Promise<T> {
      const startedAt = Date.now();
      const [namespaceKey, idKey] = advisoryLockKeys(namespace, id);
      const connection = await pool.connect();
      try {
        await acquire(connection, namespaceKey, idKey, Math.max(1, waitMs - (Date.now() - startedAt)));
      } catch (error) {
        // Destroyed, not pooled: whatever failed, the session may hold the lock or keep lock_timeout set.
        connection.release(true);
        if ((error as { code?: unknown }).code === LOCK_NOT_AVAILABLE) {
          throw new LockWaitTimeoutError(
            `Waited ${waitMs / 1000} s for the ${namespace} lock of ${id}, which another connector process holds. ` +
              'It is stuck or very slow; if this persists, find its session in pg_locks and pg_stat_activity.',
            { cause: error },
          );
        }
        throw error;
      }
      const settled = await body().then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, error }),
      );
      try {
        await release(connection, namespaceKey, idKey);
      } catch (unlockError) {
        // The session may still hold the lock: ending it is what releases the lock for sure.
        connection.release(true);
        if (settled.ok) throw unlockError;
        throw new AggregateError([settled.error, unlockError], 'The locked work and the unlock both failed.');
      }
      connection.release();
      if (!settled.ok) throw settled.error;
      return settled.value;
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}

async function acquire(connection: pg.PoolClient, namespaceKey: number, idKey: number, waitMs: number) {
  // lock_timeout bounds the wait; it is reset at once so the pooled connection keeps no odd setting.
  await connection.query(`select set_config('lock_timeout', $1, false)`, [`${Math.ceil(waitMs)}ms`]);
  try {
    await connection.query('select pg_advisory_lock($1, $2)', [namespaceKey, idKey]);
  } finally {
    await connection.query('reset lock_timeout');
  }
}

async function release(connection: pg.PoolClient, namespaceKey: number, idKey: number) {
  const result = await connection.query<{ released: boolean }>(
    'select pg_advisory_unlock($1, $2) as released',
    [namespaceKey, idKey],
  );
  if (!result.rows[0]?.released) {
    throw new Error(`The advisory lock (${namespaceKey}, ${idKey}) was not held when released.`);
  }
}
