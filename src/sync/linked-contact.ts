import { findOwnId, withOwnId } from '../connec/ids.ts';
import type { IdArray } from '../connec/records.ts';
import type { CcContact } from '../constantcontact/types.ts';
import type { MirroredContact } from '../db/repositories/cc-mirror.ts';
import type { LinkInput } from '../db/repositories/id-maps.ts';
import { contactListRoles, contactToShared, isUnsubscribed } from '../mapping/contact-shared.ts';
import { type ContactMapping, sharedToHubPatch } from '../mapping/define-contact-mapping.ts';
import { type ListRole, sortRoles } from '../mapping/list-roles.ts';
import type { IdMap } from '../model/id-map.ts';
import type { ContactSnapshot } from './contact-snapshot.ts';
import { queueContactUpdate } from './contact-updates.ts';
import type { HubItem } from './hub-item.ts';
import type { HubWriteBatch } from './hub-write-batch.ts';
import { queueMembershipChange } from './membership-changes.ts';
import { type PairState, pairLink } from './pair-link.ts';
import type { FailureOptions } from './pending-writes.ts';
import { type LinkedPairPlan, planLinkedPair } from './planner/linked-pair-plan.ts';
import { primaryOf } from './primary-record.ts';
import { DELETED_IN_CC, HARD_DELETED } from './reasons.ts';
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
): Promise<{ roles: ListRole[]; primary: boolean; shared: boolean; siblingInCollection: boolean }> {
  const all =
    (await ctx.repos.idMaps.findByCcContactIds(ctx.organization.id, [contactId])).get(contactId) ?? [];
  const isSelf = (m: { hubCollection: string; hubId: string | null }) =>
    m.hubCollection === mapping.hubCollection && m.hubId === item.hubId;
  // Records of this run whose link waits for a queued write came before this one too.
  const pending = (ctx.pendingLinks.get(contactId) ?? []).filter((p) => !isSelf(p));
  if (!all.some(isSelf)) {
    ctx.pendingLinks.set(contactId, [
      ...(ctx.pendingLinks.get(contactId) ?? []),
      { hubCollection: mapping.hubCollection, hubId: item.hubId },
    ]);
  }
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
    primaryOf([self, ...pending, ...all.filter((m) => m.state === 'linked' && !isSelf(m))]) === self;
  return { roles: sortRoles(roles), primary, shared, siblingInCollection };
}

/**
 * The organization asked for hard deletes and the record is no longer active in its app: its contact is
 * deleted in CC (soft, as CC deletes). A contact another hub record still shares is kept.
 */
async function hardDelete(
  ctx: SyncContext,
  mapping: ContactMapping,
  item: HubItem,
  contact: CcContact,
): Promise<void> {
  await ctx.cc.contacts.delete(contact.contact_id);
  await ctx.repos.ccMirror.recordWritten(ctx.organization.id, [
    { ...contact, deleted_at: ctx.now().toISOString().slice(0, 10), list_memberships: [] },
  ]);
  await ctx.repos.idMaps.exclude({
    organizationId: ctx.organization.id,
    hubCollection: mapping.hubCollection,
    hubId: item.hubId,
    email: item.shared.email,
    reason: HARD_DELETED,
    hubHash: item.fingerprint,
  });
  count(ctx, 'cc', 'updated');
}

/** Set once Connec! refused a record's write, so a CC write of the same record finishing later keeps it failed. */
interface HubRefusal {
  refused: boolean;
}

/**
 * Writes field changes to the hub record, registering the connector's id in its id array when `register`
 * (Connec! lets one id entry belong to one record per collection, so of several records sharing a contact
 * only one per collection carries it).
 */
function queueHubWrite(
  ctx: SyncContext,
  mapping: ContactMapping,
  item: HubItem,
  contactId: string,
  patch: Record<string, unknown>,
  hubWrites: HubWriteBatch,
  register: boolean,
  refusal: HubRefusal = { refused: false },
): void {
  const addId = register && findOwnId(item.record.id, ctx.realm) !== contactId;
  if (!addId && Object.keys(patch).length === 0) return;
  const record: Record<string, unknown> = { ...patch };
  if (addId) record.id = withOwnId(item.record.id as IdArray, contactId, ctx.realm);
  hubWrites.add({ collection: mapping.hubCollection, connecId: item.hubId, record }, async (result) => {
    if (result.ok) {
      if (Object.keys(patch).length > 0) count(ctx, 'hub', 'updated');
    } else if (addId) {
      // Another record of the collection may still carry the contact's id (say, one unlinked when the
      // contact was deleted in CC, which CC revives with the same id): the pair is kept by the id map
      // alone, and the fields are written without the id entry.
      queueHubWrite(ctx, mapping, item, contactId, patch, hubWrites, false, refusal);
    } else {
      refusal.refused = true;
      await ctx.repos.idMaps.recordFailure({
        organizationId: ctx.organization.id,
        hubCollection: mapping.hubCollection,
        key: { hubId: item.hubId, ccContactId: contactId },
        email: item.shared.email,
        reason: `Connec! refused the update: ${result.error.message}`,
      });
      count(ctx, 'hub', 'failed');
    }
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
  hubWrites: HubWriteBatch,
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
  // Another record of this run sharing the contact may have queued field changes not sent yet: merge with
  // the contact as it is about to be, so a record found later in the run to be the primary one gets the
  // last word instead of leaving CC with the fields of a record that only looked primary when it came first.
  const queued = ctx.contactUpdates.get(contact.contact_id);
  const sharing = await sharingOf(ctx, mapping, item, contact.contact_id);
  const plan = planLinkedPair(
    {
      mapping,
      item,
      mapState: map?.state ?? null,
      snapshot,
      contact: {
        shared: { ...contactToShared(contact), ...queued?.changed },
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
  switch (plan.kind) {
    case 'link-as-is':
      await linkAsIs(ctx, pair, plan.differs);
      queueHubWrite(ctx, mapping, item, contact.contact_id, {}, hubWrites, carriesId);
      return;
    case 'hard-delete':
      await hardDelete(ctx, mapping, item, contact);
      return;
    case 'merge':
      await applyMerge(ctx, pair, plan, hubWrites);
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
 * Carries out a merge: field changes and list changes for CC are queued to go with the run's others (in
 * bulk above the threshold), the hub's are batched; the pair is linked once CC has its change.
 */
async function applyMerge(
  ctx: SyncContext,
  pair: Pair,
  plan: Extract<LinkedPairPlan, { kind: 'merge' }>,
  hubWrites: HubWriteBatch,
): Promise<void> {
  const { mapping, item, map, contact, carriesId } = pair;
  const { merge, lists } = plan;
  const hubPatch = merge.toHub.length
    ? sharedToHubPatch(mapping, pickFields(merge.merged, merge.toHub), item.record)
    : {};
  const linkTo = (written: CcContact) =>
    ctx.repos.idMaps.link(mergedLink(ctx, pair, plan, hubPatch, written));
  const hubRefusal: HubRefusal = { refused: false };
  // What happens once CC has a queued write: count it and link the pair to the contact as written, unless
  // the hub refused its half (then the record stays failed, and its retry merges again from the last base).
  const outcome = {
    done: async (written: CcContact) => {
      count(ctx, 'cc', map?.state === 'linked' ? 'updated' : 'linked');
      if (!hubRefusal.refused) await linkTo(written);
    },
    failed: async (reason: string, options?: FailureOptions) => {
      await ctx.repos.idMaps.recordFailure({
        organizationId: ctx.organization.id,
        hubCollection: mapping.hubCollection,
        key: { hubId: item.hubId, ccContactId: contact.contact_id },
        email: item.shared.email,
        reason,
        retryNextRun: options?.retryNextRun === true,
      });
    },
  };
  if (merge.toCc.length === 0 && lists?.change) {
    queueMembershipChange(ctx, contact, await ctx.lists.idsFor(lists.roles), outcome);
  } else if (merge.toCc.length > 0) {
    queueContactUpdate(ctx, {
      contact,
      changed: plan.toCc,
      listIds: lists ? await ctx.lists.idsFor(lists.roles) : null,
      outcomes: [outcome],
    });
  } else {
    count(ctx, 'cc', map?.state === 'linked' ? 'unchanged' : 'linked');
    // Linked before the hub write, so a failing hub write leaves a failed link that keeps its contact id.
    await linkTo(contact);
  }
  queueHubWrite(ctx, mapping, item, contact.contact_id, hubPatch, hubWrites, carriesId, hubRefusal);
}

/** The link recording a merged pair: both sides as they now hold it, and what the merge wrote. */
function mergedLink(
  ctx: SyncContext,
  { mapping, item, snapshot, contact }: Pair,
  { merge }: Extract<LinkedPairPlan, { kind: 'merge' }>,
  hubPatch: Record<string, unknown>,
  written: CcContact,
): LinkInput {
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
  const pair = itemPair(ctx, mapping, item, written);
  return pairLink(
    {
      ...pair,
      hub: merge.nextBase.hub,
      hubRaw: { ...pair.hubRaw, ...hubPatch },
      ...(history ? { history } : {}),
    },
    ctx.lists.roleOfListId,
  );
}

/**
 * A record and a contact that both existed before sharing started, matched while historical data is not
 * shared: linked as each side holds it, neither rewritten nor moved between lists. Later changes on either
 * side are shared from there; what already differed waits for the opt-in to historical sharing.
 */
async function linkAsIs(ctx: SyncContext, { mapping, item, contact }: Pair, differs: boolean): Promise<void> {
  const pair = itemPair(ctx, mapping, item, contact);
  await ctx.repos.idMaps.link(pairLink(differs ? { ...pair, keptAsIs: true } : pair, ctx.lists.roleOfListId));
  count(ctx, 'cc', 'linked');
}

/**
 * The pairing of a contact the connector just created with its hub record (linked in bulk by the caller,
 * before the hub write that registers the contact id).
 */
export function createdLink(
  ctx: SyncContext,
  mapping: ContactMapping,
  item: HubItem,
  contact: CcContact,
): LinkInput {
  return pairLink(itemPair(ctx, mapping, item, contact), ctx.lists.roleOfListId);
}

/** The pair of a hub record as read and a contact, before any merge writes to either. */
function itemPair(ctx: SyncContext, mapping: ContactMapping, item: HubItem, contact: CcContact): PairState {
  return {
    organizationId: ctx.organization.id,
    hubCollection: mapping.hubCollection,
    hubId: item.hubId,
    hub: item.shared,
    roles: item.roles,
    active: item.active,
    hubRaw: topLevelRaw(mapping, item.record),
    contact,
  };
}

/** Registers the id of a contact just created in its hub record (batched with the page's hub writes). */
export function registerCreated(
  ctx: SyncContext,
  mapping: ContactMapping,
  item: HubItem,
  contact: CcContact,
  hubWrites: HubWriteBatch,
  register: boolean,
): void {
  queueHubWrite(ctx, mapping, item, contact.contact_id, {}, hubWrites, register);
}
