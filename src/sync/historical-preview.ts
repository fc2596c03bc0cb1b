import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { EXISTED_BEFORE_SHARING } from './reasons.ts';

export interface HistoricalPreview {
  /** Hub records that existed before linking: how many would become contacts, or join the contact holding their email. */
  toCc: { create: number; link: number };
  /** CC contacts that existed before linking: how many would become people, or join the hub record holding their email. */
  toHub: { create: number; link: number };
  /**
   * Pairs the first link matched and linked as they were although their values or lists differ: sharing
   * history settles them, field by field, by the organization's winning side.
   */
  settle: number;
  /** Records that stay out of CC whatever the choice, by reason ("no email", "invalid email: ..."). */
  excluded: Record<string, number>;
}

/**
 * What sharing historical data would do, computed from what the connector already knows (its id maps and
 * its copy of the CC account, both complete after the first run) without a single API call or write.
 */
export async function previewHistorical(
  db: Kysely<Database>,
  organizationId: string,
): Promise<HistoricalPreview> {
  const held = await heldBack(db, organizationId);
  const contacts = await contactsKeptBack(db, organizationId);
  return {
    toCc: { create: held.total - held.matched, link: held.matched },
    toHub: { create: contacts.total - contacts.matched, link: contacts.matched },
    settle: await keptAsIs(db, organizationId),
    excluded: await exclusionReasons(db, organizationId),
  };
}

type Counts = { total: number; matched: number };

/** Hub records kept back as historical, and how many of them a contact's email matches. */
async function heldBack(db: Kysely<Database>, organizationId: string): Promise<Counts> {
  const held = await db
    .selectFrom('id_maps as m')
    .leftJoin('cc_contacts as c', (join) =>
      join
        .onRef('c.organization_id', '=', 'm.organization_id')
        .onRef('c.email', '=', 'm.email')
        .on('c.deleted', '=', 0),
    )
    .select((eb) => [
      eb.fn.countAll<string | number>().as('total'),
      eb.fn.count<string | number>('c.contact_id').as('matched'),
    ])
    .where('m.organization_id', '=', organizationId)
    .where('m.state', '=', 'excluded')
    .where('m.reason', '=', EXISTED_BEFORE_SHARING)
    .executeTakeFirstOrThrow();
  return { total: Number(held.total), matched: Number(held.matched) };
}

/** Contacts no hub record is linked to (kept back as created before linking), and how many match one. */
async function contactsKeptBack(db: Kysely<Database>, organizationId: string): Promise<Counts> {
  const contacts = await db
    .selectFrom('cc_contacts as c')
    .leftJoin('id_maps as linked', (join) =>
      join
        .onRef('linked.organization_id', '=', 'c.organization_id')
        .onRef('linked.cc_contact_id', '=', 'c.contact_id'),
    )
    .leftJoin('id_maps as byEmail', (join) =>
      join
        .onRef('byEmail.organization_id', '=', 'c.organization_id')
        .onRef('byEmail.email', '=', 'c.email')
        .on('byEmail.hub_id', 'is not', null),
    )
    .select((eb) => [
      eb.fn.count<string | number>('c.contact_id').distinct().as('total'),
      eb.fn.count<string | number>('byEmail.id').distinct().as('matched'),
    ])
    .where('c.organization_id', '=', organizationId)
    .where('c.deleted', '=', 0)
    .where('linked.id', 'is', null)
    .executeTakeFirstOrThrow();
  return { total: Number(contacts.total), matched: Number(contacts.matched) };
}

/** Pairs linked as they were although they differ (see ContactSnapshot.keptAsIs). */
async function keptAsIs(db: Kysely<Database>, organizationId: string): Promise<number> {
  const row = await db
    .selectFrom('id_maps')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('organization_id', '=', organizationId)
    .where('state', '=', 'linked')
    .where('snapshot', 'like', '%"keptAsIs":true%')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Records that stay out of CC whatever the choice, counted by reason. */
async function exclusionReasons(
  db: Kysely<Database>,
  organizationId: string,
): Promise<Record<string, number>> {
  const reasons = await db
    .selectFrom('id_maps')
    .select(['reason', (eb) => eb.fn.countAll<string | number>().as('n')])
    .where('organization_id', '=', organizationId)
    .where('state', '=', 'excluded')
    .where('reason', '<>', EXISTED_BEFORE_SHARING)
    .groupBy('reason')
    .execute();
  return Object.fromEntries(reasons.map((r) => [r.reason ?? 'unknown', Number(r.n)]));
}
