import type { Kysely } from 'kysely';

// A run may stop at a budget of Constant Contact requests and leave the rest to later runs: what it spent
// and whether work is left are kept with it, for the planner and the history. Runs recorded before have
// no count (null) and no work left.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sync_runs').addColumn('cc_calls', 'integer').execute();
  await db.schema
    .alterTable('sync_runs')
    .addColumn('more_work', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sync_runs').dropColumn('more_work').execute();
  await db.schema.alterTable('sync_runs').dropColumn('cc_calls').execute();
}
