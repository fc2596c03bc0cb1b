import { type Kysely, sql } from 'kysely';

// What the connector knows of each organization's Constant Contact account, so matching by email and
// merging need no API call: every contact seen (identity, consent, the contact as CC last showed it) and the
// ids of the connector's lists.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('cc_contacts')
    .addColumn('organization_id', 'text', (c) =>
      c.notNull().references('organizations.id').onDelete('cascade'),
    )
    .addColumn('contact_id', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('contact', 'text', (c) => c.notNull())
    .addColumn('cc_created_at', 'text')
    .addColumn('cc_updated_at', 'text')
    .addColumn('unsubscribed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('pending', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('seen_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('cc_contacts_pk', ['organization_id', 'contact_id'])
    .addCheckConstraint(
      'cc_contacts_flags_ck',
      sql`unsubscribed in (0, 1) and deleted in (0, 1) and pending in (0, 1)`,
    )
    .execute();
  await db.schema
    .createIndex('cc_contacts_email_ix')
    .on('cc_contacts')
    .columns(['organization_id', 'email'])
    .execute();
  await db.schema
    .createIndex('cc_contacts_pending_ix')
    .on('cc_contacts')
    .columns(['organization_id', 'pending', 'contact_id'])
    .execute();

  await db.schema
    .createTable('cc_lists')
    .addColumn('organization_id', 'text', (c) =>
      c.notNull().references('organizations.id').onDelete('cascade'),
    )
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('list_id', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('cc_lists_pk', ['organization_id', 'role'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('cc_lists').execute();
  await db.schema.dropTable('cc_contacts').execute();
}
