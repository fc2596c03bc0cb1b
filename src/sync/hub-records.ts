import { connecIdOf, findOwnId, withOwnId } from '../connec/ids.ts';
import type { ConnecListCollection, ConnecRecordOf, IdArray } from '../connec/records.ts';
import type { CcContact } from '../constantcontact/types.ts';
import type { MirroredContact } from '../db/repositories/cc-mirror.ts';
import { ccView } from '../mapping/cc-limits.ts';
import {
  contactListRoles,
  contactToShared,
  isUnsubscribed,
  sharedToContactUpdate,
} from '../mapping/contact-shared.ts';
import {
  type ContactMapping,
  hubListRoles,
  hubToShared,
  isHubActive,
  mappedFields,
  sharedToHubPatch,
} from '../mapping/define-contact-mapping.ts';
import { checkEmail } from '../mapping/eligibility.ts';
import { type ListRole, sortRoles } from '../mapping/list-roles.ts';
import { normalizeEmail } from '../mapping/normalize-email.ts';
import { type SharedContact, sameValue } from '../mapping/shared-contact.ts';
import type { IdMap } from '../model/id-map.ts';
import { createContacts } from './cc-create.ts';
import {
  type ContactSnapshot,
  ccFingerprint,
  hubFingerprint,
  mergeBaseOf,
  readSnapshot,
} from './contact-snapshot.ts';
import { HubWriteBatch } from './hub-write-batch.ts';
import { isRecordError, recordErrorReason } from './record-errors.ts';
import { count, flowsFor, type SyncContext } from './sync-context.ts';
import { threeWayMerge } from './three-way-merge.ts';

type HubRecord = ConnecRecordOf[ConnecListCollection];

/** A hub record read for sharing, with what the mapping makes of it. */
export interface HubItem {
  mapping: ContactMapping;
  record: HubRecord;
  hubId: string;
  shared: SharedContact;
  roles: ListRole[];
  active: boolean;
  fingerprint: string;
}

export const HARD_DELETED =
  'inactive in its app, so its contact was deleted in Constant Contact (hard deletes are on)';
export const NO_ROLE = 'not a customer, supplier, lead or employee, so it belongs in none of the lists';
export const EXISTED_BEFORE_SHARING = 'existed before sharing started (historical data is not shared)';

function topLevelRaw(mapping: ContactMapping, record: unknown): Record<string, unknown> {
  const keys = new Set(
    [...Object.values(mapping.text), mapping.address].filter(Boolean).map((p) => p!.split('.')[0]!),
  );
  const raw: Record<string, unknown> = {};
  for (const key of keys) raw[key] = (record as Record<string, unknown>)[key] ?? null;
  return raw;
}

function toItem(mapping: ContactMapping, record: HubRecord): HubItem | null {
  const hubId = connecIdOf(record.id);
  if (!hubId) return null;
  const shared = hubToShared(mapping, record);
  const roles = hubListRoles(mapping, record);
  const active = isHubActive(mapping, record);
  return {
    mapping,
    record,
    hubId,
    shared,
    roles,
    active,
    fingerprint: hubFingerprint(shared, roles, active),
  };
}

function createdBeforeSharing(ctx: SyncContext, createdAt: string | null | undefined): boolean {
  const { shareHistorical, sharingStartsAt } = ctx.organization.settings;
  if (shareHistorical || !sharingStartsAt || !createdAt) return false;
  return createdAt < sharingStartsAt;
}

/**
 * Shares one page of hub records of one collection with CC: each record is skipped when unchanged since
 * the connector last saw or wrote it, excluded when CC cannot take it, linked to the contact that holds its
 * email when there is one, or created in CC; linked records are merged field by field. Hub writes (field
 * changes from CC, the connector's id) go back in one batch. `force` reprocesses unchanged records (retries).
 */
export async function shareHubRecords(
  ctx: SyncContext,
  mapping: ContactMapping,
  records: readonly HubRecord[],
  force = false,
): Promise<void> {
  const orgId = ctx.organization.id;
  const collection = mapping.hubCollection;
  const items = records.map((r) => toItem(mapping, r)).filter((i): i is HubItem => i !== null);
  const maps = await ctx.repos.idMaps.findByHubIds(
    orgId,
    collection,
    items.map((i) => i.hubId),
  );
  const emails = items.map((i) => normalizeEmail(i.shared.email)).filter((e): e is string => e !== null);
  const mapsByEmail = await ctx.repos.idMaps.findByEmails(orgId, emails);
  const mirrorByEmail = await ctx.repos.ccMirror.findByEmails(orgId, emails);
  const hubWrites = new HubWriteBatch(ctx);

  const linkedIds = [...maps.values()].map((m) => m.ccContactId).filter((id): id is string => Boolean(id));
  const contacts = await ctx.repos.ccMirror.get(orgId, linkedIds);

  for (const item of items) {
    const map = maps.get(item.hubId);
    try {
      // A record kept back as historical is looked at again once the organization shares history.
      const historicalNowShared =
        map?.state === 'excluded' &&
        map.reason === EXISTED_BEFORE_SHARING &&
        ctx.organization.settings.shareHistorical;
      if (
        map &&
        !force &&
        map.hubHash === item.fingerprint &&
        map.state !== 'failed' &&
        !historicalNowShared
      ) {
        count(ctx, 'cc', 'unchanged');
        continue;
      }
      // The contact was deleted in CC; sharing resumes only when the user asks (Retry).
      if (map?.state === 'unlinked' && !force) {
        count(ctx, 'cc', 'unchanged');
        continue;
      }
      const eligibility = checkEmail(item.shared.email);
      if (!eligibility.eligible) {
        if (
          map?.state !== 'excluded' ||
          map.reason !== eligibility.reason ||
          map.hubHash !== item.fingerprint
        ) {
          await ctx.repos.idMaps.exclude({
            organizationId: orgId,
            hubCollection: collection,
            hubId: item.hubId,
            email: item.shared.email,
            reason: eligibility.reason,
            hubHash: item.fingerprint,
          });
        }
        count(ctx, 'cc', 'excluded');
        continue;
      }
      const email = normalizeEmail(eligibility.email)!;
      const linkedContactId = map?.ccContactId ?? null;
      if (linkedContactId) {
        const contact = contacts.get(linkedContactId) ?? (await fetchContact(ctx, linkedContactId));
        await updateLinked(ctx, mapping, item, map!, contact, hubWrites);
        continue;
      }
      // Not linked yet: the contact that holds this email, known from another hub record or from CC.
      const sharedWith = mapsByEmail.get(email)?.find((m) => m.state === 'linked' && m.ccContactId);
      const holder = sharedWith?.ccContactId
        ? (contacts.get(sharedWith.ccContactId) ??
          (await ctx.repos.ccMirror.get(orgId, [sharedWith.ccContactId])).get(sharedWith.ccContactId))
        : mirrorByEmail.get(email);
      if (holder && !holder.deleted) {
        await updateLinked(ctx, mapping, item, map ?? null, holder, hubWrites);
        continue;
      }
      if (createdBeforeSharing(ctx, item.record.created_at)) {
        await ctx.repos.idMaps.exclude({
          organizationId: orgId,
          hubCollection: collection,
          hubId: item.hubId,
          email,
          reason: EXISTED_BEFORE_SHARING,
          hubHash: item.fingerprint,
        });
        count(ctx, 'cc', 'excluded');
        continue;
      }
      if (!flowsFor(ctx, collection).toCc || !mapping.flows.hubToCc || !item.active) continue;
      if (item.roles.length === 0) {
        await ctx.repos.idMaps.exclude({
          organizationId: orgId,
          hubCollection: collection,
          hubId: item.hubId,
          email,
          reason: NO_ROLE,
          hubHash: item.fingerprint,
        });
        count(ctx, 'cc', 'excluded');
        continue;
      }
      // Two records of one page with one email make one contact, in the lists of both.
      const existing = ctx.creations.get(email);
      if (existing) existing.items.push(item);
      else ctx.creations.set(email, { email: eligibility.email, items: [item] });
    } catch (error) {
      if (!isRecordError(error)) throw error;
      await ctx.repos.idMaps.recordFailure({
        organizationId: orgId,
        hubCollection: collection,
        key: { hubId: item.hubId, ccContactId: map?.ccContactId ?? null },
        email: item.shared.email,
        reason: recordErrorReason(error),
      });
      count(ctx, 'cc', 'failed');
    }
  }

  if (ctx.creations.size >= MAX_BUFFERED_CREATIONS) await flushCreations(ctx);
  await hubWrites.flush();
}

/** One bulk import request's worth: creations are held until then so large runs import in few requests. */
const MAX_BUFFERED_CREATIONS = 40_000;

/**
 * Creates in CC the contacts buffered by `shareHubRecords` (one by one, or in bulk above the threshold),
 * links them, and registers their ids in the hub. Called when the buffer is full and at the end of each
 * collection; cursors are not checkpointed while creations wait.
 */
export async function flushCreations(ctx: SyncContext): Promise<void> {
  if (ctx.creations.size === 0) return;
  const orgId = ctx.organization.id;
  // Items of one contact are linked in hub id order, and the contact is made from the first: the order in
  // which the primary record of a shared contact is found again (see sharingOf).
  const pending = [...ctx.creations.values()].map((n) => ({
    ...n,
    items: [...n.items].sort((a, b) => (a.hubId < b.hubId ? -1 : a.hubId > b.hubId ? 1 : 0)),
  }));
  ctx.creations.clear();
  const hubWrites = new HubWriteBatch(ctx);
  await createContacts(ctx, pending, {
    created: async (newContact, contact) => {
      for (const item of newContact.items) await recordCreated(ctx, item.mapping, item, contact, hubWrites);
      if (hubWrites.size >= 100) await hubWrites.flush();
    },
    existing: async (newContact, contact) => {
      const mirrored = (await ctx.repos.ccMirror.get(orgId, [contact.contact_id])).get(contact.contact_id)!;
      for (const item of newContact.items) {
        const revived = mirrored.deleted ? { ...mirrored, deleted: false } : mirrored;
        const map = await ctx.repos.idMaps.findByHub(orgId, item.mapping.hubCollection, item.hubId);
        await updateLinked(ctx, item.mapping, item, map, revived, hubWrites);
      }
    },
    failed: async (newContact, reason) => {
      for (const item of newContact.items) {
        await ctx.repos.idMaps.recordFailure({
          organizationId: orgId,
          hubCollection: item.mapping.hubCollection,
          key: { hubId: item.hubId },
          email: item.shared.email,
          reason,
        });
      }
    },
  });
  await hubWrites.flush();
}

async function fetchContact(ctx: SyncContext, contactId: string): Promise<MirroredContact> {
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

/** The lists a contact should be in: the union over every active hub record sharing it. */
/**
 * How a hub record shares its contact with the other hub records holding the same email: the lists the
 * contact should be in (the union over every active record) and whether this record is the contact's
 * primary one, the first linked, whose fields the contact carries. The others add their lists only, so
 * two records with one email never overwrite each other through the contact they share.
 */
async function sharingOf(
  ctx: SyncContext,
  mapping: ContactMapping,
  item: HubItem,
  contactId: string,
): Promise<{ roles: ListRole[]; primary: boolean; shared: boolean }> {
  const all =
    (await ctx.repos.idMaps.findByCcContactIds(ctx.organization.id, [contactId])).get(contactId) ?? [];
  const isSelf = (m: IdMap) => m.hubCollection === mapping.hubCollection && m.hubId === item.hubId;
  const firstLinked = all.find((m) => m.state === 'linked');
  const roles: ListRole[] = item.active ? [...item.roles] : [];
  for (const other of all) {
    if (isSelf(other)) continue;
    const snapshot = readSnapshot(other.snapshot);
    if (other.state === 'linked' && snapshot?.active) roles.push(...snapshot.roles);
  }
  const shared = all.some((m) => !isSelf(m) && m.state === 'linked');
  return { roles: sortRoles(roles), primary: !firstLinked || isSelf(firstLinked), shared };
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

/** Registers the connector's id in the hub record's id array (if missing) together with any field changes. */
function queueHubWrite(
  ctx: SyncContext,
  mapping: ContactMapping,
  item: HubItem,
  contactId: string,
  patch: Record<string, unknown>,
  hubWrites: HubWriteBatch,
): void {
  const hasOwnId = findOwnId(item.record.id, ctx.realm) === contactId;
  if (hasOwnId && Object.keys(patch).length === 0) return;
  const record: Record<string, unknown> = { ...patch };
  if (!hasOwnId) record.id = withOwnId(item.record.id as IdArray, contactId, ctx.realm);
  hubWrites.add(
    { collection: mapping.hubCollection, connecId: item.hubId, record } as never,
    async (result) => {
      if (result.ok) {
        if (Object.keys(patch).length > 0) count(ctx, 'hub', 'updated');
      } else {
        await ctx.repos.idMaps.recordFailure({
          organizationId: ctx.organization.id,
          hubCollection: mapping.hubCollection,
          key: { hubId: item.hubId, ccContactId: contactId },
          email: item.shared.email,
          reason: `Connec! refused the update: ${result.error.message}`,
        });
        count(ctx, 'hub', 'failed');
      }
    },
  );
}

/**
 * Merges a hub record with the CC contact it is (or is about to be) linked to, writes what each side
 * lacks, and records the pair. `map` is null when the two were just matched by email.
 */
async function updateLinked(
  ctx: SyncContext,
  mapping: ContactMapping,
  item: HubItem,
  map: IdMap | null,
  mirrored: MirroredContact,
  hubWrites: HubWriteBatch,
): Promise<void> {
  const orgId = ctx.organization.id;
  if (mirrored.deleted) {
    if (map) await ctx.repos.idMaps.unlink(map.id, 'deleted in Constant Contact');
    count(ctx, 'cc', 'unchanged');
    return;
  }
  const contact = mirrored.contact;
  const snapshot = map?.state === 'linked' || map?.state === 'failed' ? readSnapshot(map.snapshot) : null;
  const flows = flowsFor(ctx, mapping.hubCollection);
  const ccShared = contactToShared(contact);
  const { roles: wantedRoles, primary, shared } = await sharingOf(ctx, mapping, item, contact.contact_id);
  if (!item.active && ctx.organization.settings.hardDeletes && !shared && map?.state === 'linked') {
    await hardDelete(ctx, mapping, item, contact);
    return;
  }
  const merge = threeWayMerge<SharedContact>({
    base: mergeBaseOf(snapshot),
    hub: item.shared,
    cc: ccShared,
    fields: mappedFields(mapping),
    ccView,
    winner: ctx.organization.settings.conflictWinner,
    hubUpdatedAt: item.record.updated_at ?? null,
    ccUpdatedAt: contact.updated_at ?? null,
    flows: {
      toCc: primary && flows.toCc && mapping.flows.hubToCc,
      toHub: primary && flows.toHub && mapping.flows.ccToHub,
    },
  });
  const unsubscribed = isUnsubscribed(contact);
  const roleOfListId = ctx.lists.roleOfListId;
  const currentRoles = contactListRoles(contact, roleOfListId);

  // An unsubscribed contact's lists are never touched: adding one back would be re-subscribing.
  const listsChange = flows.toCc && !unsubscribed && !sameValue(currentRoles, wantedRoles);

  let written: CcContact = contact;
  if (merge.toCc.length > 0 || listsChange) {
    const target: SharedContact = { ...ccShared };
    const mergedView = ccView(merge.merged);
    for (const f of merge.toCc) (target as unknown as Record<string, unknown>)[f] = mergedView[f];
    const roleListIds = await ctx.lists.idsFor(listsChange ? wantedRoles : currentRoles);
    const { body } = sharedToContactUpdate(
      { ...target, email: target.email ?? ccShared.email ?? item.shared.email! },
      contact,
      roleListIds,
      ctx.lists.ourListIds,
    );
    if (unsubscribed) body.list_memberships = [...(contact.list_memberships ?? [])];
    written = await ctx.cc.contacts.update(contact.contact_id, body);
    await ctx.repos.ccMirror.recordWritten(orgId, [written]);
    count(ctx, 'cc', map?.state === 'linked' ? 'updated' : 'linked');
  } else {
    count(ctx, 'cc', map?.state === 'linked' ? 'unchanged' : 'linked');
  }

  const hubPatch = merge.toHub.length
    ? sharedToHubPatch(
        mapping,
        Object.fromEntries(merge.toHub.map((f) => [f, merge.merged[f]])) as Partial<SharedContact>,
        item.record,
      )
    : {};
  const writtenShared = contactToShared(written);
  const snapshotAfter: ContactSnapshot = {
    hub: merge.nextBase.hub,
    cc: writtenShared,
    roles: item.roles,
    active: item.active,
    hubRaw: { ...topLevelRaw(mapping, item.record), ...hubPatch },
  };
  const link = async () => {
    await ctx.repos.idMaps.link({
      organizationId: orgId,
      hubCollection: mapping.hubCollection,
      hubId: item.hubId,
      ccContactId: written.contact_id,
      email: item.shared.email,
      hubHash: hubFingerprint(merge.nextBase.hub, item.roles, item.active),
      ccHash: ccFingerprint(
        writtenShared,
        contactListRoles(written, roleOfListId),
        isUnsubscribed(written),
        false,
      ),
      snapshot: snapshotAfter as unknown as Record<string, unknown>,
    });
  };
  // Linked before the hub write, so a failing hub write leaves a failed link that keeps its contact id.
  await link();
  queueHubWrite(ctx, mapping, item, written.contact_id, hubPatch, hubWrites);
}

/** A contact the connector just created for a hub record: link them and register the id in the hub. */
async function recordCreated(
  ctx: SyncContext,
  mapping: ContactMapping,
  item: HubItem,
  contact: CcContact,
  hubWrites: HubWriteBatch,
): Promise<void> {
  const shared = contactToShared(contact);
  const snapshot: ContactSnapshot = {
    hub: item.shared,
    cc: shared,
    roles: item.roles,
    active: item.active,
    hubRaw: topLevelRaw(mapping, item.record),
  };
  await ctx.repos.idMaps.link({
    organizationId: ctx.organization.id,
    hubCollection: mapping.hubCollection,
    hubId: item.hubId,
    ccContactId: contact.contact_id,
    email: item.shared.email,
    hubHash: item.fingerprint,
    ccHash: ccFingerprint(
      shared,
      contactListRoles(contact, ctx.lists.roleOfListId),
      isUnsubscribed(contact),
      false,
    ),
    snapshot: snapshot as unknown as Record<string, unknown>,
  });
  queueHubWrite(ctx, mapping, item, contact.contact_id, {}, hubWrites);
}
