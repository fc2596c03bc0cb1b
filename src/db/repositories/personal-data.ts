import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/** What an erasure removed, by kind, for the operator and the audit log (counts only). */
export interface Erased {
  records: number;
  contacts: number;
  runs: number;
  members: number;
  users: number;
}

export type PersonalDataRepository = ReturnType<typeof personalDataRepository>;

/**
 * Erasing an organization's personal data: every table that holds its contacts' or members' data, in one
 * transaction. What stays is the organization's row (its platform ids and business name, marked deleted)
 * and the audit log, which holds ids and counts only.
 */
export function personalDataRepository(db: Kysely<Database>) {
  return {
    async eraseOrganization(organizationId: string): Promise<Erased> {
      return db.transaction().execute(async (trx) => {
        const organization = await trx
          .selectFrom('organizations')
          .select(['tenant', 'group_uid'])
          .where('id', '=', organizationId)
          .executeTakeFirstOrThrow();
        const records = await trx
          .deleteFrom('id_maps')
          .where('organization_id', '=', organizationId)
          .executeTakeFirst();
        const contacts = await trx
          .deleteFrom('cc_contacts')
          .where('organization_id', '=', organizationId)
          .executeTakeFirst();
        const runs = await trx
          .deleteFrom('sync_runs')
          .where('organization_id', '=', organizationId)
          .executeTakeFirst();
        await trx.deleteFrom('cc_lists').where('organization_id', '=', organizationId).execute();
        await trx.deleteFrom('cc_pending_links').where('organization_id', '=', organizationId).execute();
        await trx.deleteFrom('cursors').where('organization_id', '=', organizationId).execute();
        await trx.deleteFrom('poll_states').where('organization_id', '=', organizationId).execute();
        // An alert's last send error may quote an admin's address (a mail server's refusal names it).
        await trx.deleteFrom('alerts').where('organization_id', '=', organizationId).execute();
        const memberIds = (
          await trx
            .selectFrom('memberships')
            .select('user_id')
            .where('organization_id', '=', organizationId)
            .execute()
        ).map((m) => m.user_id);
        const members = await trx
          .deleteFrom('memberships')
          .where('organization_id', '=', organizationId)
          .executeTakeFirst();
        // A member of no other organization has nothing left here: their name and email go too.
        const users =
          memberIds.length === 0
            ? { numDeletedRows: 0n }
            : await trx
                .deleteFrom('users')
                .where('id', 'in', memberIds)
                .where(({ not, exists, selectFrom }) =>
                  not(
                    exists(
                      selectFrom('memberships')
                        .select('user_id')
                        .whereRef('memberships.user_id', '=', 'users.id'),
                    ),
                  ),
                )
                .executeTakeFirst();
        await trx
          .deleteFrom('access_changes')
          .where('tenant', '=', organization.tenant)
          .where('group_uid', '=', organization.group_uid)
          .execute();
        await trx
          .updateTable('organizations')
          .set({ cc_account_name: null })
          .where('id', '=', organizationId)
          .execute();
        return {
          records: Number(records.numDeletedRows),
          contacts: Number(contacts.numDeletedRows),
          runs: Number(runs.numDeletedRows),
          members: Number(members.numDeletedRows),
          users: Number(users.numDeletedRows),
        };
      });
    },
  };
}
