import { type Kysely, type Selectable, sql } from 'kysely';
import type { CcContact } from '../../constantcontact/types.ts';
import type { ListRole } from '../../mapping/list-roles.ts';
import { normalizeEmail } from '../../mapping/normalize-email.ts';
import type { CcContactsTable, Database } from '../schema.ts';

/** A contact as the connector last saw it in an organization's Constant Contact account. */
export interface MirroredContact {
  contactId: string;
  email: string | null;
  contact: CcContact;
  ccCreatedAt: string | null;
  ccUpdatedAt: string | null;
  unsubscribed: boolean;
  deleted: boolean;
  pending: boolean;
}

function toMirrored(row: Selectable<CcContactsTable>): MirroredContact {
  return {
    contactId: row.contact_id,
    email: row.email,
    contact: JSON.parse(row.contact) as CcContact,
    ccCreatedAt: row.cc_created_at,
    ccUpdatedAt: row.cc_updated_at,
    unsubscribed: row.unsubscribed === 1,
    deleted: row.deleted === 1,
    pending: row.pending === 1,
  };
}

const IN_CHUNK = 500;

export type CcMirrorRepository = ReturnType<typeof ccMirrorRepository>;

/**
 * The connector's copy of each organization's CC contacts (identity, consent, last known content) and of
 * its list ids. Email matching and merging read it instead of spending API calls.
 */
export function ccMirrorRepository(db: Kysely<Database>, now: () => Date) {
  function rowOf(organizationId: string, contact: CcContact, pending: boolean) {
    return {
      organization_id: organizationId,
      contact_id: contact.contact_id,
      email: normalizeEmail(contact.email_address?.address),
      contact: JSON.stringify(contact),
      cc_created_at: contact.created_at ?? null,
      cc_updated_at: contact.updated_at ?? null,
      unsubscribed: contact.email_address?.permission_to_send === 'unsubscribed' ? 1 : 0,
      deleted: contact.deleted_at ? 1 : 0,
      pending: pending ? 1 : 0,
      seen_at: now().toISOString(),
    };
  }

  async function upsert(
    organizationId: string,
    contacts: readonly CcContact[],
    pending: boolean,
  ): Promise<void> {
    if (contacts.length === 0) return;
    await db.transaction().execute(async (trx) => {
      for (const contact of contacts) {
        const row = rowOf(organizationId, contact, pending);
        const { organization_id: _o, contact_id: _c, ...update } = row;
        await trx
          .insertInto('cc_contacts')
          .values(row)
          .onConflict((oc) => oc.columns(['organization_id', 'contact_id']).doUpdateSet(update))
          .execute();
      }
    });
  }

  return {
    /** Contacts read from CC: recorded and marked as waiting to be shared. */
    recordSeen(organizationId: string, contacts: readonly CcContact[]): Promise<void> {
      return upsert(organizationId, contacts, true);
    },

    /** Contacts as the connector just wrote them: recorded, nothing waiting. */
    recordWritten(organizationId: string, contacts: readonly CcContact[]): Promise<void> {
      return upsert(organizationId, contacts, false);
    },

    async get(organizationId: string, contactIds: readonly string[]): Promise<Map<string, MirroredContact>> {
      const out = new Map<string, MirroredContact>();
      const unique = [...new Set(contactIds)];
      for (let i = 0; i < unique.length; i += IN_CHUNK) {
        const rows = await db
          .selectFrom('cc_contacts')
          .selectAll()
          .where('organization_id', '=', organizationId)
          .where('contact_id', 'in', unique.slice(i, i + IN_CHUNK))
          .execute();
        for (const row of rows) out.set(row.contact_id, toMirrored(row));
      }
      return out;
    },

    /** Live (not deleted) contacts by normalized email. CC holds one contact per email. */
    async findByEmails(
      organizationId: string,
      emails: readonly string[],
    ): Promise<Map<string, MirroredContact>> {
      const out = new Map<string, MirroredContact>();
      const unique = [...new Set(emails.map(normalizeEmail).filter((e): e is string => e !== null))];
      for (let i = 0; i < unique.length; i += IN_CHUNK) {
        const rows = await db
          .selectFrom('cc_contacts')
          .selectAll()
          .where('organization_id', '=', organizationId)
          .where('email', 'in', unique.slice(i, i + IN_CHUNK))
          .where('deleted', '=', 0)
          .execute();
        for (const row of rows) if (row.email) out.set(row.email, toMirrored(row));
      }
      return out;
    },

    /** The next page of contacts waiting to be shared, in id order after `afterId`. */
    async pendingPage(
      organizationId: string,
      afterId: string | null,
      limit: number,
    ): Promise<MirroredContact[]> {
      let query = db
        .selectFrom('cc_contacts')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .where('pending', '=', 1);
      if (afterId !== null) query = query.where('contact_id', '>', afterId);
      const rows = await query.orderBy('contact_id').limit(limit).execute();
      return rows.map(toMirrored);
    },

    async countPending(organizationId: string): Promise<number> {
      const { n } = await db
        .selectFrom('cc_contacts')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .where('organization_id', '=', organizationId)
        .where('pending', '=', 1)
        .executeTakeFirstOrThrow();
      return Number(n);
    },

    async clearPending(organizationId: string, contactIds: readonly string[]): Promise<void> {
      const unique = [...new Set(contactIds)];
      for (let i = 0; i < unique.length; i += IN_CHUNK) {
        await db
          .updateTable('cc_contacts')
          .set({ pending: 0 })
          .where('organization_id', '=', organizationId)
          .where('contact_id', 'in', unique.slice(i, i + IN_CHUNK))
          .execute();
      }
    },

    /** Puts contacts back in the queue (a retry of a contact the hub refused). */
    async markPending(organizationId: string, contactIds: readonly string[]): Promise<void> {
      const unique = [...new Set(contactIds)];
      for (let i = 0; i < unique.length; i += IN_CHUNK) {
        await db
          .updateTable('cc_contacts')
          .set({ pending: 1 })
          .where('organization_id', '=', organizationId)
          .where('contact_id', 'in', unique.slice(i, i + IN_CHUNK))
          .execute();
      }
    },

    async listIds(organizationId: string): Promise<Map<ListRole, string>> {
      const rows = await db
        .selectFrom('cc_lists')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .execute();
      return new Map(rows.map((r) => [r.role as ListRole, r.list_id]));
    },

    async saveListId(organizationId: string, role: ListRole, listId: string): Promise<void> {
      const updated_at = now().toISOString();
      await db
        .insertInto('cc_lists')
        .values({ organization_id: organizationId, role, list_id: listId, updated_at })
        .onConflict((oc) =>
          oc.columns(['organization_id', 'role']).doUpdateSet({ list_id: listId, updated_at }),
        )
        .execute();
    },

    /** Drops a list id the connector knew (the list was deleted in CC); the role has no list until made. */
    async forgetListId(organizationId: string, role: ListRole): Promise<void> {
      await db
        .deleteFrom('cc_lists')
        .where('organization_id', '=', organizationId)
        .where('role', '=', role)
        .execute();
    },

    /** Contacts whose last known lists include `listId`. */
    async inList(organizationId: string, listId: string): Promise<MirroredContact[]> {
      const pattern = `%${listId.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      const rows = await db
        .selectFrom('cc_contacts')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .where(sql<boolean>`contact like ${pattern} escape '\\'`)
        .execute();
      return rows.map(toMirrored).filter((m) => (m.contact.list_memberships ?? []).includes(listId));
    },

    /** Forgets the account's contacts and lists (after unlinking: another account may be linked next). */
    async clear(organizationId: string): Promise<void> {
      await db.deleteFrom('cc_contacts').where('organization_id', '=', organizationId).execute();
      await db.deleteFrom('cc_lists').where('organization_id', '=', organizationId).execute();
    },
  };
}
