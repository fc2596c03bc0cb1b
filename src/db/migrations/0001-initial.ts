import { type Kysely, sql } from 'kysely';

// Only types and constraints both SQLite and PostgreSQL understand: text, integer, CHECK, unique and
// partial indexes. Ids are UUIDs made by the application.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('organizations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('group_uid', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('cc_account_id', 'text')
    .addColumn('cc_account_name', 'text')
    .addColumn('access_token_enc', 'text')
    .addColumn('refresh_token_enc', 'text')
    .addColumn('token_expires_at', 'text')
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('sync_enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('linked_at', 'text')
    .addColumn('deleted_at', 'text')
    .addColumn('lease_holder', 'text')
    .addColumn('lease_expires_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('organizations_tenant_group_uq', ['tenant', 'group_uid'])
    .addCheckConstraint('organizations_sync_enabled_ck', sql`sync_enabled in (0, 1)`)
    .addCheckConstraint(
      'organizations_link_ck',
      sql`(cc_account_id is null and access_token_enc is null and refresh_token_enc is null) or (cc_account_id is not null and linked_at is not null)`,
    )
    .execute();
  // One Constant Contact account feeds one organization: two would send each other's contacts around.
  await db.schema
    .createIndex('organizations_cc_account_uq')
    .on('organizations')
    .column('cc_account_id')
    .unique()
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('uid', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('first_name', 'text')
    .addColumn('last_name', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('users_tenant_uid_uq', ['tenant', 'uid'])
    .execute();

  await db.schema
    .createTable('memberships')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('organization_id', 'text', (c) =>
      c.notNull().references('organizations.id').onDelete('cascade'),
    )
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('memberships_pk', ['user_id', 'organization_id'])
    .addCheckConstraint('memberships_role_ck', sql`role in ('Member', 'Power User', 'Admin', 'Super Admin')`)
    .execute();
  await db.schema.createIndex('memberships_org_ix').on('memberships').column('organization_id').execute();

  await db.schema
    .createTable('id_maps')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) =>
      c.notNull().references('organizations.id').onDelete('cascade'),
    )
    .addColumn('hub_collection', 'text', (c) => c.notNull())
    .addColumn('hub_id', 'text')
    .addColumn('cc_contact_id', 'text')
    .addColumn('email', 'text')
    .addColumn('hub_hash', 'text')
    .addColumn('cc_hash', 'text')
    .addColumn('snapshot', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_retry_at', 'text')
    .addColumn('last_synced_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addCheckConstraint('id_maps_state_ck', sql`state in ('linked', 'excluded', 'failed', 'unlinked')`)
    .addCheckConstraint('id_maps_side_ck', sql`hub_id is not null or cc_contact_id is not null`)
    .addCheckConstraint(
      'id_maps_linked_ck',
      sql`state <> 'linked' or (hub_id is not null and cc_contact_id is not null and reason is null)`,
    )
    .addCheckConstraint('id_maps_reason_ck', sql`state = 'linked' or reason is not null`)
    .addCheckConstraint('id_maps_failed_ck', sql`state <> 'failed' or next_retry_at is not null`)
    .addCheckConstraint(
      'id_maps_excluded_ck',
      sql`state not in ('excluded', 'unlinked') or hub_id is not null`,
    )
    .execute();
  await db.schema
    .createIndex('id_maps_hub_uq')
    .on('id_maps')
    .columns(['organization_id', 'hub_collection', 'hub_id'])
    .unique()
    .execute();
  // A contact that came from CC and has no hub record yet (its creation in the hub failed) is keyed by its
  // CC id instead; once it has a hub id, the index above takes over.
  await db.schema
    .createIndex('id_maps_cc_pending_uq')
    .on('id_maps')
    .columns(['organization_id', 'hub_collection', 'cc_contact_id'])
    .unique()
    .where(sql.ref('hub_id'), 'is', null)
    .execute();
  await db.schema
    .createIndex('id_maps_cc_ix')
    .on('id_maps')
    .columns(['organization_id', 'cc_contact_id'])
    .execute();
  await db.schema
    .createIndex('id_maps_email_ix')
    .on('id_maps')
    .columns(['organization_id', 'email'])
    .execute();
  await db.schema
    .createIndex('id_maps_state_ix')
    .on('id_maps')
    .columns(['organization_id', 'state', 'next_retry_at'])
    .execute();

  await db.schema
    .createTable('sync_runs')
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
    .addCheckConstraint(
      'sync_runs_trigger_ck',
      sql`trigger in ('schedule', 'notification', 'manual', 'first_link')`,
    )
    .addCheckConstraint('sync_runs_status_ck', sql`status in ('running', 'succeeded', 'failed', 'cancelled')`)
    .execute();
  await db.schema
    .createIndex('sync_runs_org_started_ix')
    .on('sync_runs')
    .columns(['organization_id', 'started_at'])
    .execute();

  await db.schema
    .createTable('cursors')
    .addColumn('organization_id', 'text', (c) =>
      c.notNull().references('organizations.id').onDelete('cascade'),
    )
    .addColumn('side', 'text', (c) => c.notNull())
    .addColumn('collection', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('cursors_pk', ['organization_id', 'side', 'collection'])
    .addCheckConstraint('cursors_side_ck', sql`side in ('hub', 'cc')`)
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('organization_id', 'text')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('audit_log_org_at_ix')
    .on('audit_log')
    .columns(['organization_id', 'at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'audit_log',
    'cursors',
    'sync_runs',
    'id_maps',
    'memberships',
    'users',
    'organizations',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
