import { type Kysely, SqliteAdapter, sql } from 'kysely';

// Sharing historical data reads both sides again from the start: a run of its own (`historical`), queued
// after the polls and done in chunks, and named so in the history. The runs' trigger check gains it.
// SQLite cannot change a check constraint, so there the table is rebuilt with its rows and index.
const TRIGGERS_BEFORE = sql`trigger in ('schedule', 'notification', 'manual', 'first_link')`;
const TRIGGERS_AFTER = sql`trigger in ('schedule', 'notification', 'manual', 'first_link', 'historical')`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await replaceTriggerCheck(db, TRIGGERS_AFTER);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`delete from sync_runs where trigger = 'historical'`.execute(db);
  await replaceTriggerCheck(db, TRIGGERS_BEFORE);
}

async function replaceTriggerCheck(db: Kysely<unknown>, check: ReturnType<typeof sql>): Promise<void> {
  if (!isSqlite(db)) {
    await db.schema.alterTable('sync_runs').dropConstraint('sync_runs_trigger_ck').execute();
    await db.schema.alterTable('sync_runs').addCheckConstraint('sync_runs_trigger_ck', check).execute();
    return;
  }
  await db.schema
    .createTable('sync_runs_next')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) =>
      c.notNull().references('organizations.id').onDelete('cascade'),
    )
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('counts', 'text', (c) => c.notNull())
    .addColumn('progress', 'text')
    .addColumn('error_code', 'text')
    .addColumn('error_message', 'text')
    .addColumn('notices', 'text')
    .addColumn('cc_calls', 'integer')
    .addColumn('more_work', 'integer', (c) => c.notNull().defaultTo(0))
    .addCheckConstraint('sync_runs_trigger_ck', check)
    .addCheckConstraint('sync_runs_status_ck', sql`status in ('running', 'succeeded', 'failed', 'cancelled')`)
    .execute();
  await sql`insert into sync_runs_next (id, organization_id, trigger, status, started_at, finished_at, counts,
    progress, error_code, error_message, notices, cc_calls, more_work)
    select id, organization_id, trigger, status, started_at, finished_at, counts, progress, error_code,
    error_message, notices, cc_calls, more_work from sync_runs`.execute(db);
  await db.schema.dropTable('sync_runs').execute();
  await db.schema.alterTable('sync_runs_next').renameTo('sync_runs').execute();
  await db.schema
    .createIndex('sync_runs_org_started_ix')
    .on('sync_runs')
    .columns(['organization_id', 'started_at'])
    .execute();
}

function isSqlite(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof SqliteAdapter;
}
