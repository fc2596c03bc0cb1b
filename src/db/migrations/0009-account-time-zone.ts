import type { Kysely } from 'kysely';

// The time zone of the organization's Constant Contact account (CC's account summary `time_zone_id`), so
// its pages show times as its people live them. Kept on the organization rather than with the link: a
// disconnected organization's history still reads in its own zone. Pending links carry it until confirmed.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('organizations').addColumn('time_zone', 'text').execute();
  await db.schema.alterTable('cc_pending_links').addColumn('cc_time_zone', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('cc_pending_links').dropColumn('cc_time_zone').execute();
  await db.schema.alterTable('organizations').dropColumn('time_zone').execute();
}
