import type { Kysely } from 'kysely';

// What the poll planner keeps per organization (when its Constant Contact side was last polled, its adaptive
// interval, its active hours, what its polls spent today), so any worker can plan after another: the state
// as JSON, one row per organization, gone with the organization.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('poll_states')
    .addColumn('organization_id', 'text', (c) =>
      c.primaryKey().references('organizations.id').onDelete('cascade'),
    )
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('poll_states').execute();
}
