import { findOwnId, withOwnId } from '../connec/ids.ts';
import type { IdArray } from '../connec/records.ts';
import type { CcContact } from '../constantcontact/types.ts';
import type { MirroredContact } from '../db/repositories/cc-mirror.ts';
import { contactListRoles, contactToShared, isUnsubscribed } from '../mapping/contact-shared.ts';
import { type ContactMapping, sharedToHubPatch } from '../mapping/define-contact-mapping.ts';
import { type ListRole, sortRoles } from '../mapping/list-roles.ts';
import type { IdMap } from '../model/id-map.ts';
import type { LinkOnWrite, WritePlan } from './apply/write-plan.ts';
import type { ContactSnapshot } from './contact-snapshot.ts';
import type { HubItem } from './hub-item.ts';
import { type PairState, pairLink } from './pair-link.ts';
import { type LinkedPairPlan, planLinkedPair } from './planner/linked-pair-plan.ts';
import { primaryOf } from './primary-record.ts';
import { DELETED_IN_CC } from './reasons.ts';
import { historyAfter } from './record-history.ts';
import { readContactSnapshot } from './snapshot-codec.ts';
import { count, flowsFor, type SyncContext } from './sync-context.ts';
import { pickFields } from './three-way-merge.ts';

function topLevelRaw(mapping: ContactMapping, record: unknown): Record<string, unknown> {
  const keys = new Set(
    [...Object.values(mapping.text), mapping.address].filter(Boolean).map((p) => p!.split('.')[0]!),
  );
  const raw: Record<string, unknown> = {};
  for (const key of keys) raw[key] = (record as Record<string, unknown>)[key] ?? null;
  return raw;
}

export async function fetchContact(ctx: SyncContext, contactId: string): Promise<MirroredContact> {
  const contact = await ctx.cc.contacts.get(contactId, [
    'list_memberships',
    'phone_numbers',
    'street_addresses',
    'custom_fields',
  ]);
  await ctx.repos.ccMirror.recordWritten(ctx.organization.id, [contact]);
  const mirrored = (await ctx.repos.ccMirror.get(ctx.organization.id, [contactId])).get(contactId);
  if (!mirrored) throw new Error(`contact ${contactId} vanished from the mirror`);
  return mirrored;
}

/**
 * How a hub record shares its contact with the other hub records holding the same email: the lists the
 * contact should be in (the union over every active record) and whether this record is the contact's
 * primary one (see primary-record.ts), whose fields the contact carries. The others add their lists only, so
 * two records with one email never overwrite each other through the contact they share.
 */
async function sharingOf(
  ctx: SyncContext,
  mapping: ContactMapping,
  item: HubItem,
  contactId: string,
  plan: WritePlan,
): Promise<{ roles: ListRole[]; primary: boolean; shared: boolean; siblingInCollection: boolean }> {
  const all =
    (await ctx.repos.idMaps.findByCcContactIds(ctx.organization.id, [contactId])).get(contactId) ?? [];
  const isSelf = (m: { hubCollection: string; hubId: string | null }) =>
    m.hubCollection === mapping.hubCollection && m.hubId === item.hubId;
  // Records of this run whose link waits for a planned write came before this one too.
  const pending = plan.awaitingLink(contactId).filter((p) => !isSelf(p));
  if (!all.some(isSelf))
    plan.awaitLink(contactId, { hubCollection: mapping.hubCollection, hubId: item.hubId });
  const roles: ListRole[] = item.active ? [...item.roles] : [];
  for (const other of all) {
    if (isSelf(other)) continue;
    const snapshot = readContactSnapshot(other.snapshot);
    if (other.state === 'linked' && snapshot?.active) roles.push(...snapshot.roles);
  }
  const shared = pending.length > 0 || all.some((m) => !isSelf(m) && m.state === 'linked');
  const siblingInCollection =
    pending.some((p) => p.hubCollection === mapping.hubCollection) ||
    all.some((m) => !isSelf(m) && m.state === 'linked' && m.hubCollection === mapping.hubCollection);
  const self = { hubCollection: mapping.hubCollection, hubId: item.hubId };
  const primary =
    primaryOf(
      [self, ...pending, ...all.filter((m) => m.state === 'linked' && !isSelf(m))],
      ctx.mappings.primacyRank,
    ) === self;
  return { roles: sortRoles(roles), primary, shared, siblingInCollection };
}

/**
 * Plans a write of field changes to the hub record, registering the connector's id in its id array when
 * `register` (Connec! lets one id entry belong to one record per collection, so of several records sharing
 * a contact only one per collection carries it).
 */
function planHubWrite(
  ctx: SyncContext,
  plan: WritePlan,
  { item, contactId }: { item: HubItem; contactId: string },
  patch: Record<string, unknown>,
  register: boolean,
): void {
  const addId = register && findOwnId(item.record.id, ctx.realm) !== contactId;
  if (!addId && Object.keys(patch).length === 0) return;
  plan.writeHub({
    kind: 'record',
    ref: { hubCollection: item.mapping.hubCollection, hubId: item.hubId },
    contactId,
    email: item.shared.email,
    patch,
    ids: addId ? withOwnId(item.record.id as IdArray, contactId, ctx.realm) : null,
    refusal: 'Connec! refused the update',
    link: null,
  });
}

/**
 * Merges a hub record with the CC contact it is (or is about to be) linked to, writes what each side
 * lacks, and records the pair. `map` is null when the two were just matched by email. Reads what the
 * planner needs, lets `planLinkedPair` decide, and carries the plan out.
 */
export async function updateLinked(
  ctx: SyncContext,
  mapping: ContactMapping,
  item: HubItem,
  map: IdMap | null,
  known: MirroredContact,
  plan: WritePlan,
): Promise<void> {
  if (known.deleted) {
    if (map) await ctx.repos.idMaps.unlink(map.id, DELETED_IN_CC);
    count(ctx, 'cc', 'unchanged');
    return;
  }
  // Read again: another record of this page sharing the contact may have just written it.
  const fresh = (await ctx.repos.ccMirror.get(ctx.organization.id, [known.contactId])).get(known.contactId);
  const contact = fresh && !fresh.deleted ? fresh.contact : known.contact;
  const snapshot =
    map?.state === 'linked' || map?.state === 'failed' ? readContactSnapshot(map.snapshot) : null;
  // Another record of this run sharing the contact may have planned field changes not sent yet: merge with
  // the contact as it is about to be, so a record found later in the run to be the primary one gets the
  // last word instead of leaving CC with the fields of a record that only looked primary when it came first.
  const planned = plan.plannedFields(contact.contact_id);
  const sharing = await sharingOf(ctx, mapping, item, contact.contact_id, plan);
  const decision = planLinkedPair(
    {
      mapping,
      item,
      mapState: map?.state ?? null,
      snapshot,
      contact: {
        shared: { ...contactToShared(contact), ...planned },
        createdAt: known.ccCreatedAt,
        updatedAt: contact.updated_at ?? null,
        unsubscribed: isUnsubscribed(contact),
        listRoles: contactListRoles(contact, ctx.lists.roleOfListId),
      },
      sharing: { wantedRoles: sharing.roles, primary: sharing.primary, sharedWithOthers: sharing.shared },
    },
    { settings: ctx.organization.settings, flows: flowsFor(ctx, mapping.hubCollection) },
  );
  // Connec! gives an id entry to one record per collection: the record that carries the contact's id keeps
  // it, and another registers it only when no record of its collection shares the contact (a primary record
  // arriving later must not take it, or Connec! refuses the write).
  const carriesId =
    findOwnId(item.record.id, ctx.realm) === contact.contact_id || !sharing.siblingInCollection;
  const pair: Pair = { mapping, item, map, contact, snapshot, carriesId };
  switch (decision.kind) {
    case 'link-as-is':
      await linkAsIs(ctx, pair, decision.differs);
      planHubWrite(ctx, plan, { item, contactId: contact.contact_id }, {}, carriesId);
      return;
    case 'hard-delete':
      plan.deleteContact({ item, contact });
      return;
    case 'merge':
      await planMerge(ctx, pair, decision, plan);
      return;
  }
}

/** A hub record and its contact, as `updateLinked` read them. */
interface Pair {
  mapping: ContactMapping;
  item: HubItem;
  map: IdMap | null;
  contact: CcContact;
  snapshot: ContactSnapshot | null;
  /** The record carries (or is to register) the contact's id in its id array. */
  carriesId: boolean;
}

/**
 * Plans a merge: field and list changes for CC go with the run's others (in bulk above the threshold), and
 * the pair is linked once CC has its change; the hub's changes are written in the plan's batch.
 */
async function planMerge(
  ctx: SyncContext,
  pair: Pair,
  decision: Extract<LinkedPairPlan, { kind: 'merge' }>,
  plan: WritePlan,
): Promise<void> {
  const { mapping, item, map, contact, carriesId } = pair;
  const { merge, lists } = decision;
  const hubPatch = merge.toHub.length
    ? sharedToHubPatch(mapping, pickFields(merge.merged, merge.toHub), item.record)
    : {};
  const link: LinkOnWrite = {
    pair: mergedPair(ctx, pair, decision, hubPatch),
    email: item.shared.email,
    counted: map?.state === 'linked' ? 'updated' : 'linked',
  };
  if (merge.toCc.length === 0 && lists?.change) {
    plan.changeLists(contact, await ctx.lists.idsFor(lists.roles), ctx.lists.ourListIds, link);
  } else if (merge.toCc.length > 0) {
    plan.updateContact({
      contact,
      changed: decision.toCc,
      listIds: lists ? await ctx.lists.idsFor(lists.roles) : null,
      links: [link],
    });
  } else {
    count(ctx, 'cc', map?.state === 'linked' ? 'unchanged' : 'linked');
    // Linked before the hub write, so a failing hub write leaves a failed link that keeps its contact id.
    await ctx.repos.idMaps.link(pairLink({ ...link.pair, contact }, ctx.lists.roleOfListId));
  }
  planHubWrite(ctx, plan, { item, contactId: contact.contact_id }, hubPatch, carriesId);
}

/** The pair a merge leaves: both sides as they will hold it (the contact is CC's answer), and the history. */
function mergedPair(
  ctx: SyncContext,
  { mapping, item, snapshot, contact }: Pair,
  { merge }: Extract<LinkedPairPlan, { kind: 'merge' }>,
  hubPatch: Record<string, unknown>,
): Omit<PairState, 'contact'> {
  const history = historyAfter(
    snapshot?.history,
    {
      ...merge,
      winner: ctx.organization.settings.conflictWinner,
      hubUpdatedAt: item.record.updated_at ?? null,
      ccUpdatedAt: contact.updated_at ?? null,
    },
    ctx.now(),
  );
  const pair = recordSide(ctx, mapping, item);
  return {
    ...pair,
    hub: merge.nextBase.hub,
    hubRaw: { ...pair.hubRaw, ...hubPatch },
    ...(history ? { history } : {}),
  };
}

/**
 * A record and a contact that both existed before sharing started, matched while historical data is not
 * shared: linked as each side holds it, neither rewritten nor moved between lists. Later changes on either
 * side are shared from there; what already differed waits for the opt-in to historical sharing.
 */
async function linkAsIs(ctx: SyncContext, { mapping, item, contact }: Pair, differs: boolean): Promise<void> {
  const pair: PairState = { ...recordSide(ctx, mapping, item), contact };
  await ctx.repos.idMaps.link(pairLink(differs ? { ...pair, keptAsIs: true } : pair, ctx.lists.roleOfListId));
  count(ctx, 'cc', 'linked');
}

/** A hub record as read, before any merge writes to it: its side of a pair. */
export function recordSide(
  ctx: SyncContext,
  mapping: ContactMapping,
  item: HubItem,
): Omit<PairState, 'contact'> {
  return {
    organizationId: ctx.organization.id,
    hubCollection: mapping.hubCollection,
    hubId: item.hubId,
    hub: item.shared,
    roles: item.roles,
    active: item.active,
    hubRaw: topLevelRaw(mapping, item.record),
  };
}

/**
 * Plans the hub write registering a just-created contact's id in its record (when `register`: of the
 * records sharing the contact, the first of each collection carries it).
 */
export function planIdRegistration(
  ctx: SyncContext,
  plan: WritePlan,
  item: HubItem,
  contact: CcContact,
  register: boolean,
): void {
  planHubWrite(ctx, plan, { item, contactId: contact.contact_id }, {}, register);
}
