import type { Kysely } from 'kysely';

// One Constant Contact account can be linked to one organization, and CC ends earlier authorizations of an
// account when it is authorized again. So an organization can lose its link without anyone disconnecting
// it: it carries why and since when until it reconnects. An authorization of an account that is linked
// elsewhere waits here, encrypted and briefly, while the user confirms moving it.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('organizations').addColumn('reconnect_reason', 'text').execute();
  await db.schema.alterTable('organizations').addColumn('reconnect_since', 'text').execute();

  await db.schema
    .createTable('cc_pending_links')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) =>
      c.notNull().references('organizations.id').onDelete('cascade'),
    )
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('cc_account_id', 'text', (c) => c.notNull())
    .addColumn('cc_account_name', 'text', (c) => c.notNull())
    .addColumn('access_token_enc', 'text', (c) => c.notNull())
    .addColumn('refresh_token_enc', 'text', (c) => c.notNull())
    .addColumn('token_expires_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('cc_pending_links').execute();
  await db.schema.alterTable('organizations').dropColumn('reconnect_since').execute();
  await db.schema.alterTable('organizations').dropColumn('reconnect_reason').execute();
}
