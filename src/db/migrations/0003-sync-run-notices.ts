import type { Kysely } from 'kysely';

// What a run did besides moving records, told to the user with the run (e.g. a list deleted in Constant
// Contact that the run re-created): a JSON array of sentences, null when there is none.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sync_runs').addColumn('notices', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sync_runs').dropColumn('notices').execute();
}
