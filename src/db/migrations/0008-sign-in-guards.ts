import type { Kysely } from 'kysely';

// What keeps a sign-in from being used twice or outliving a change of access, kept in the database so it
// holds across restarts and processes:
// - spent_tokens: SAML assertions already used to sign in, and sessions signed out, each until it would
//   be refused anyway (its expiry); expired rows are purged.
// - access_changes: when a member's access to an organization last went down (removed by the platform, or
//   a lower role), so an assertion issued before that cannot sign them in again. By the platform's ids,
//   since the member may never have signed in.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('spent_tokens')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('spent_tokens_pk', ['kind', 'key'])
    .execute();
  await db.schema.createIndex('spent_tokens_expires_ix').on('spent_tokens').column('expires_at').execute();
  await db.schema
    .createTable('access_changes')
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('user_uid', 'text', (c) => c.notNull())
    .addColumn('group_uid', 'text', (c) => c.notNull())
    .addColumn('lowered_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('access_changes_pk', ['tenant', 'user_uid', 'group_uid'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('access_changes').execute();
  await db.schema.dropTable('spent_tokens').execute();
}
