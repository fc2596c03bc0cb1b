import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/** A member of an organization, by the platform's ids. */
export interface MemberKey {
  tenant: string;
  userUid: string;
  groupUid: string;
}

export type AccessChangeRepository = ReturnType<typeof accessChangeRepository>;

/**
 * When each member's access to an organization last went down (removed, or a lower role), so a sign-in
 * issued before that is refused. Only the latest instant is kept.
 */
export function accessChangeRepository(db: Kysely<Database>, now: () => Date) {
  return {
    /** Access went down at `at` (by default now); a later instant already recorded is kept. */
    async recordLowered(member: MemberKey, at: Date = now()): Promise<void> {
      const loweredAt = at.toISOString();
      await db
        .insertInto('access_changes')
        .values({
          tenant: member.tenant,
          user_uid: member.userUid,
          group_uid: member.groupUid,
          lowered_at: loweredAt,
        })
        .onConflict((oc) =>
          oc
            .columns(['tenant', 'user_uid', 'group_uid'])
            .doUpdateSet({ lowered_at: loweredAt })
            .where('access_changes.lowered_at', '<', loweredAt),
        )
        .execute();
    },

    async lastLowered(member: MemberKey): Promise<Date | null> {
      const row = await db
        .selectFrom('access_changes')
        .select('lowered_at')
        .where('tenant', '=', member.tenant)
        .where('user_uid', '=', member.userUid)
        .where('group_uid', '=', member.groupUid)
        .executeTakeFirst();
      return row ? new Date(row.lowered_at) : null;
    },

    /** Forgets an organization's members' changes (its personal data goes with it). */
    async removeGroup(tenant: string, groupUid: string): Promise<void> {
      await db
        .deleteFrom('access_changes')
        .where('tenant', '=', tenant)
        .where('group_uid', '=', groupUid)
        .execute();
    },
  };
}
