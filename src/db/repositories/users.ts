import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Membership, Role, User } from '../../model/user.ts';
import type { Database, UsersTable } from '../schema.ts';

function toUser(row: Selectable<UsersTable>): User {
  return {
    id: row.id,
    tenant: row.tenant,
    uid: row.uid,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
  };
}

export type UserRepository = ReturnType<typeof userRepository>;

export function userRepository(db: Kysely<Database>, now: () => Date) {
  const iso = () => now().toISOString();

  return {
    /** Creates the user on first sign-in or refreshes their details; one row per (tenant, uid). */
    async upsert(input: {
      tenant: string;
      uid: string;
      email: string;
      firstName?: string | null;
      lastName?: string | null;
    }): Promise<User> {
      const at = iso();
      const details = {
        email: input.email,
        first_name: input.firstName ?? null,
        last_name: input.lastName ?? null,
        updated_at: at,
      };
      const row = await db
        .insertInto('users')
        .values({ id: randomUUID(), tenant: input.tenant, uid: input.uid, created_at: at, ...details })
        .onConflict((oc) => oc.columns(['tenant', 'uid']).doUpdateSet(details))
        .returningAll()
        .executeTakeFirstOrThrow();
      return toUser(row);
    },

    async find(tenant: string, uid: string): Promise<User | null> {
      const row = await db
        .selectFrom('users')
        .selectAll()
        .where('tenant', '=', tenant)
        .where('uid', '=', uid)
        .executeTakeFirst();
      return row ? toUser(row) : null;
    },

    async get(id: string): Promise<User | null> {
      const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toUser(row) : null;
    },

    /** Sets the user's role in the organization, as the platform says at each sign-in. */
    async setMembership(userId: string, organizationId: string, role: Role): Promise<Membership> {
      const at = iso();
      await db
        .insertInto('memberships')
        .values({ user_id: userId, organization_id: organizationId, role, created_at: at, updated_at: at })
        .onConflict((oc) => oc.columns(['user_id', 'organization_id']).doUpdateSet({ role, updated_at: at }))
        .execute();
      return { userId, organizationId, role };
    },

    async findMembership(userId: string, organizationId: string): Promise<Membership | null> {
      const row = await db
        .selectFrom('memberships')
        .selectAll()
        .where('user_id', '=', userId)
        .where('organization_id', '=', organizationId)
        .executeTakeFirst();
      return row
        ? { userId: row.user_id, organizationId: row.organization_id, role: row.role as Role }
        : null;
    },

    async listMemberships(userId: string): Promise<Membership[]> {
      const rows = await db
        .selectFrom('memberships')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('created_at')
        .execute();
      return rows.map((r) => ({
        userId: r.user_id,
        organizationId: r.organization_id,
        role: r.role as Role,
      }));
    },

    /** Erases a user who is a member of no organization any more; returns whether they were erased. */
    async removeIfNoMemberships(userId: string): Promise<boolean> {
      const result = await db
        .deleteFrom('users')
        .where('id', '=', userId)
        .where(({ not, exists, selectFrom }) =>
          not(exists(selectFrom('memberships').select('user_id').where('memberships.user_id', '=', userId))),
        )
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    /** Ends a member's access to one organization; returns false when they were not a member. */
    async removeMembership(userId: string, organizationId: string): Promise<boolean> {
      const result = await db
        .deleteFrom('memberships')
        .where('user_id', '=', userId)
        .where('organization_id', '=', organizationId)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}
