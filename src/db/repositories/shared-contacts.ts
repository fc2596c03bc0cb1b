import { type Kysely, sql } from 'kysely';
import { normalizeEmail } from '../../mapping/normalize-email.ts';
import { COMPANY_COLLECTION } from '../../mapping/registry.ts';
import type {
  ContactsPage,
  ContactWithRecords,
  NotSharedCounts,
  SharingCounts,
} from '../../model/contact-with-records.ts';
import type { IdMap, LinkedIdMap } from '../../model/id-map.ts';
import type { Database } from '../schema.ts';
import { likePattern, toIdMap } from './id-maps.ts';

// Grouped by as selected: a literal, not a parameter, so PostgreSQL sees one expression, not $1 and $2.
const isCompany = sql<number>`case when hub_collection = ${sql.lit(COMPANY_COLLECTION)} then 1 else 0 end`;
const fromCcOnly = sql<number>`case when hub_id is null then 1 else 0 end`;

export type SharedContactRepository = ReturnType<typeof sharedContactRepository>;

/**
 * The id maps seen from Constant Contact's side: one entry per contact, with the hub records behind it. The
 * grouping is done by the database, so a page costs three small queries however many records are shared.
 */
export function sharedContactRepository(db: Kysely<Database>) {
  // The company profile is shared with the account's details, not with a contact: it is left out here.
  const contactLinks = (organizationId: string) =>
    db
      .selectFrom('id_maps')
      .where('organization_id', '=', organizationId)
      .where('state', '=', 'linked')
      .where('hub_collection', '<>', COMPANY_COLLECTION);

  return {
    /**
     * A page of shared contacts, the most recently synced first, with the totals of contacts and of hub records
     * behind them. `search` is an email fragment: a contact matches when one of its records does, and then
     * comes with all of them.
     *
     * @example
     * // ada@example.com shared by a person and an organization, ben@example.com by a person:
     * await page(orgId, { limit: 20, offset: 0 }); // { contacts: 2, records: 3, items: [...] }
     */
    async page(
      organizationId: string,
      options: { search?: string; limit: number; offset: number },
    ): Promise<ContactsPage> {
      let contacts = contactLinks(organizationId)
        .select((eb) => [
          'cc_contact_id',
          eb.fn.max('last_synced_at').as('synced_at'),
          eb.fn.countAll<string | number>().as('records'),
        ])
        .groupBy('cc_contact_id');
      const search = normalizeEmail(options.search);
      if (search) {
        // Both engines honour an explicit ESCAPE; only PostgreSQL has a default one.
        contacts = contacts.having(
          sql<boolean>`max(case when email like ${likePattern(search)} escape '\\' then 1 else 0 end) = 1`,
        );
      }
      const [totals, chosen] = await Promise.all([
        db
          .selectFrom(contacts.as('c'))
          .select((eb) => [
            eb.fn.countAll<string | number>().as('contacts'),
            eb.fn.sum<string | number | null>('c.records').as('records'),
          ])
          .executeTakeFirstOrThrow(),
        contacts
          .orderBy('synced_at', 'desc')
          .orderBy('cc_contact_id')
          .limit(options.limit)
          .offset(options.offset)
          .execute(),
      ]);
      const ids = chosen.flatMap((c) => (c.cc_contact_id ? [c.cc_contact_id] : []));
      const rows =
        ids.length === 0
          ? []
          : await contactLinks(organizationId)
              .selectAll()
              .where('cc_contact_id', 'in', ids)
              .orderBy('created_at')
              .orderBy('id')
              .execute();
      const byContact = new Map<string, LinkedIdMap[]>();
      for (const row of rows) {
        const map = toIdMap(row) as LinkedIdMap;
        byContact.set(map.ccContactId, [...(byContact.get(map.ccContactId) ?? []), map]);
      }
      const items: ContactWithRecords[] = chosen.flatMap((c) => {
        const records = c.cc_contact_id ? byContact.get(c.cc_contact_id) : undefined;
        // A record unlinked between the two queries leaves its contact out rather than empty.
        if (!records || records.length === 0) return [];
        return [{ ccContactId: c.cc_contact_id!, lastSyncedAt: c.synced_at ?? null, records }];
      });
      return { items, contacts: Number(totals.contacts), records: Number(totals.records ?? 0) };
    },

    /**
     * The other hub records sharing `map`'s contact (same email), oldest link first; none for the company
     * profile, which shares no contact. A record whose update failed keeps its contact, so it is among them.
     */
    async othersSharing(map: IdMap): Promise<IdMap[]> {
      if (!map.ccContactId || map.hubCollection === COMPANY_COLLECTION) return [];
      const rows = await db
        .selectFrom('id_maps')
        .selectAll()
        .where('organization_id', '=', map.organizationId)
        .where('cc_contact_id', '=', map.ccContactId)
        .where('hub_collection', '<>', COMPANY_COLLECTION)
        .where('id', '<>', map.id)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toIdMap);
    },

    /**
     * The company profile's link when it is shared. It is shared with the account's details, so it is no
     * contact and the pages and counts above leave it out.
     */
    async companyProfile(organizationId: string): Promise<LinkedIdMap | null> {
      const row = await db
        .selectFrom('id_maps')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .where('state', '=', 'linked')
        .where('hub_collection', '=', COMPANY_COLLECTION)
        .orderBy('created_at')
        .executeTakeFirst();
      return row ? (toIdMap(row) as LinkedIdMap) : null;
    },

    /** Contacts shared and the hub records behind them, and what is not shared, by kind. */
    async counts(organizationId: string): Promise<SharingCounts> {
      const rows = await db
        .selectFrom('id_maps')
        .select((eb) => [
          'state',
          isCompany.as('company'),
          fromCcOnly.as('cc_only'),
          eb.fn.countAll<string | number>().as('n'),
          eb.fn.count<string | number>('cc_contact_id').distinct().as('contacts'),
        ])
        .where('organization_id', '=', organizationId)
        .groupBy(['state', isCompany, fromCcOnly])
        .execute();
      const counts: SharingCounts = {
        shared: { contacts: 0, records: 0 },
        notShared: { records: 0, contacts: 0 },
        failing: { records: 0, contacts: 0 },
      };
      const add = (into: NotSharedCounts, ccOnly: boolean, n: number) => {
        if (ccOnly) into.contacts += n;
        else into.records += n;
      };
      for (const row of rows) {
        const n = Number(row.n);
        const ccOnly = Number(row.cc_only) === 1;
        if (row.state !== 'linked') {
          add(counts.notShared, ccOnly, n);
          if (row.state === 'failed') add(counts.failing, ccOnly, n);
        } else if (Number(row.company) === 0) {
          // One group holds every linked contact record, so its distinct count is the number of contacts.
          counts.shared = { contacts: Number(row.contacts), records: n };
        }
      }
      return counts;
    },
  };
}
