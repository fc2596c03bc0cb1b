import { type Kysely, sql } from 'kysely';

// Alert emails to an organization's admins (see src/alerts): where each kind of alert of each organization
// stands, one row per organization and kind. Kept in the database so a restart never sends an email twice,
// and claimed there (`claimed_by` until `claimed_until`) so of several processes only one sends. Gone with
// the organization's personal data.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('alerts')
    .addColumn('organization_id', 'text', (c) =>
      c.notNull().references('organizations.id').onDelete('cascade'),
    )
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('trouble_since', 'text')
    .addColumn('trouble_sent_at', 'text')
    .addColumn('trouble_recipients', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('recovery_sent_at', 'text')
    .addColumn('claimed_by', 'text')
    .addColumn('claimed_until', 'text')
    .addColumn('last_send_error', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('alerts_pk', ['organization_id', 'kind'])
    .addCheckConstraint('alerts_kind_ck', sql`kind in ('needs_reconnect', 'runs_failing')`)
    .addCheckConstraint('alerts_status_ck', sql`status in ('ok', 'trouble')`)
    .execute();
  // The periodic check looks for organizations with a run that failed lately.
  await db.schema
    .createIndex('sync_runs_status_finished_ix')
    .on('sync_runs')
    .columns(['status', 'finished_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('sync_runs_status_finished_ix').execute();
  await db.schema.dropTable('alerts').execute();
}
