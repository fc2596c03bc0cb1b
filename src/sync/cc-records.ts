import { connecIdOf, ownIdEntry } from '../connec/ids.ts';
import type { ConnecListCollection } from '../connec/records.ts';
import type { CcContact } from '../constantcontact/types.ts';
import type { MirroredContact } from '../db/repositories/cc-mirror.ts';
import { contactListRoles, contactToShared, isUnsubscribed } from '../mapping/contact-shared.ts';
import { hubToShared, listRolesToHubFlags, sharedToHubPatch } from '../mapping/define-contact-mapping.ts';
import { type ListRole, sortRoles } from '../mapping/list-roles.ts';
import { normalizeEmail } from '../mapping/normalize-email.ts';
import { CC_BORN_CONTACTS, contactMappingFor, rolesHeldBy } from '../mapping/registry.ts';
import type { SharedContact } from '../mapping/shared-contact.ts';
import type { IdMap } from '../model/id-map.ts';
import { ccFingerprint } from './contact-snapshot.ts';
import { flushPendingWrites } from './creation-buffer.ts';
import { shareHubRecords } from './hub-records.ts';
import { HubWriteBatch } from './hub-write-batch.ts';
import { queueMembershipChange } from './membership-changes.ts';
import { pairLink } from './pair-link.ts';
import { planChangeToHub } from './planner/change-to-hub-plan.ts';
import {
  type CcBornRules,
  decideContactChange,
  decideNewContact,
  type RecordAction,
} from './planner/contact-change-decision.ts';
import { DELETED_IN_CC } from './reasons.ts';
import { isRecordError, recordErrorReason } from './record-errors.ts';
import { historyAfter } from './record-history.ts';
import { readContactSnapshot } from './snapshot-codec.ts';
import { count, flowsFor, type SyncContext } from './sync-context.ts';

/**
 * Shares the contacts changed in CC that are waiting in the connector's copy of the account, a page at a
 * time: changes to linked contacts go to their hub records (merged field by field), deletions unlink, and
 * contacts new in CC become people in the hub (customers, or suppliers and leads by their lists).
 */
export async function sharePendingContacts(ctx: SyncContext): Promise<void> {
  const orgId = ctx.organization.id;
  let after: string | null = null;
  for (;;) {
    const page = await ctx.repos.ccMirror.pendingPage(orgId, after, ctx.options.ccPageSize);
    if (page.length === 0) return;
    after = page[page.length - 1]!.contactId;
    await shareContactPage(ctx, page);
    await ctx.repos.ccMirror.clearPending(
      orgId,
      page.map((c) => c.contactId),
    );
    ctx.progress.contacts = (ctx.progress.contacts ?? 0) + page.length;
    await ctx.reportProgress();
  }
}

async function shareContactPage(ctx: SyncContext, contacts: readonly MirroredContact[]): Promise<void> {
  const mapsByContact = await ctx.repos.idMaps.findByCcContactIds(
    ctx.organization.id,
    contacts.map((c) => c.contactId),
  );
  const hubWrites = new HubWriteBatch(ctx);
  const newContacts: MirroredContact[] = [];
  for (const mirrored of contacts) {
    const shared = contactToShared(mirrored.contact);
    const fingerprint = ccFingerprint(
      shared,
      contactListRoles(mirrored.contact, ctx.lists.roleOfListId),
      mirrored.unsubscribed,
      mirrored.deleted,
    );
    const maps = (mapsByContact.get(mirrored.contactId) ?? []).filter(
      (m) => m.state === 'linked' || m.state === 'failed',
    );
    const decision = decideContactChange({ deleted: mirrored.deleted, fingerprint, maps });
    for (const action of decision.actions) {
      await applyRecordAction(ctx, action, shared, fingerprint, mirrored, hubWrites);
    }
    if (decision.isNew) newContacts.push(mirrored);
  }
  if (newContacts.length > 0) await shareNewContacts(ctx, newContacts, hubWrites);
  await hubWrites.flush();
  // People just created join their lists in CC (see queuePersonCreation).
  await flushPendingWrites(ctx);
}

async function applyRecordAction(
  ctx: SyncContext,
  action: RecordAction,
  shared: SharedContact,
  _fingerprint: string,
  mirrored: MirroredContact,
  hubWrites: HubWriteBatch,
): Promise<void> {
  switch (action.kind) {
    case 'unlink':
      if (action.map.hubId) await ctx.repos.idMaps.unlink(action.map.id, DELETED_IN_CC);
      count(ctx, 'hub', 'excluded');
      return;
    case 'unchanged':
      count(ctx, 'hub', 'unchanged');
      return;
    case 'wait-for-retry':
      return;
    case 'merge-to-hub':
      await applyContactChange(ctx, action.map, shared, mirrored, hubWrites, action.primary);
      return;
  }
}

/** A linked contact changed in CC: merge into the hub record, which did not change since the last sync. */
async function applyContactChange(
  ctx: SyncContext,
  map: IdMap,
  ccShared: SharedContact,
  mirrored: MirroredContact,
  hubWrites: HubWriteBatch,
  primary: boolean,
): Promise<void> {
  const mapping = contactMappingFor(map.hubCollection as ConnecListCollection);
  const snapshot = readContactSnapshot(map.snapshot);
  if (!snapshot || !map.hubId) return;
  const hubId = map.hubId;
  const plan = planChangeToHub(
    { mapping, snapshot, cc: ccShared, ccUpdatedAt: mirrored.ccUpdatedAt, primary },
    {
      winner: ctx.organization.settings.conflictWinner,
      toHub: flowsFor(ctx, mapping.hubCollection).toHub,
    },
  );
  const wrote = Object.keys(plan.patch).length > 0;
  const history = historyAfter(
    snapshot.history,
    { ...NOTHING_DECIDED, toHub: wrote ? plan.toHub : [], ccUpdatedAt: mirrored.ccUpdatedAt },
    ctx.now(),
  );
  const link = () =>
    ctx.repos.idMaps.link(
      pairLink(
        {
          organizationId: ctx.organization.id,
          hubCollection: mapping.hubCollection,
          hubId,
          hub: plan.nextHub,
          roles: snapshot.roles,
          active: snapshot.active,
          hubRaw: { ...snapshot.hubRaw, ...plan.patch },
          contact: mirrored.contact,
          ...(snapshot.keptAsIs ? { keptAsIs: true as const } : {}),
          ...(history ? { history } : {}),
        },
        ctx.lists.roleOfListId,
      ),
    );
  if (!wrote) {
    await link();
    count(ctx, 'hub', 'unchanged');
    return;
  }
  hubWrites.add(
    { collection: mapping.hubCollection, connecId: hubId, record: plan.patch },
    async (result) => {
      if (result.ok) {
        await link();
        count(ctx, 'hub', 'updated');
        ctx.metrics?.ccChangeReachedHub(mirrored.ccUpdatedAt, ctx.now());
        return;
      }
      await ctx.repos.idMaps.recordFailure({
        organizationId: ctx.organization.id,
        hubCollection: mapping.hubCollection,
        key: { hubId, ccContactId: mirrored.contactId },
        email: plan.nextHub.email,
        reason: `Connec! refused the change from Constant Contact: ${result.error.message}`,
      });
      count(ctx, 'hub', 'failed');
    },
  );
}

/** A change from CC decides no conflict and writes nothing to CC: its history records the hub side only. */
const NOTHING_DECIDED = { toCc: [], conflicts: [], winner: 'newest', hubUpdatedAt: null } as const;

/**
 * Contacts the hub has no record of. One whose email a hub record already holds is linked to it (a
 * match, never a duplicate); one created in CC since sharing started becomes a person in the hub.
 */
async function shareNewContacts(
  ctx: SyncContext,
  contacts: readonly MirroredContact[],
  hubWrites: HubWriteBatch,
): Promise<void> {
  const orgId = ctx.organization.id;
  const emails = contacts.map((c) => c.email).filter((e): e is string => e !== null);
  const mapsByEmail = await ctx.repos.idMaps.findByEmails(orgId, emails);
  const receiver = CC_BORN_CONTACTS.mapping;
  const rules: CcBornRules = {
    settings: ctx.organization.settings,
    toHub: flowsFor(ctx, receiver.hubCollection).toHub && receiver.flows.ccToHub,
    roles: rolesHeldBy(receiver),
    defaultRole: CC_BORN_CONTACTS.defaultRole,
  };
  for (const mirrored of contacts) {
    const email = normalizeEmail(mirrored.email);
    const holders =
      (email ? mapsByEmail.get(email) : undefined)?.filter((m) => m.hubId && m.state !== 'unlinked') ?? [];
    const decision = decideNewContact(
      {
        email,
        createdAt: mirrored.ccCreatedAt,
        listRoles: contactListRoles(mirrored.contact, ctx.lists.roleOfListId),
        holders,
      },
      rules,
    );
    try {
      if (decision.kind === 'match') await reshareHolders(ctx, decision.holders);
      else if (decision.kind === 'create') queuePersonCreation(ctx, mirrored, decision.roles, hubWrites);
    } catch (error) {
      if (!isRecordError(error)) throw error;
      await ctx.repos.idMaps.recordFailure({
        organizationId: orgId,
        hubCollection: receiver.hubCollection,
        key: { ccContactId: mirrored.contactId },
        email: mirrored.email,
        reason: recordErrorReason(error),
      });
      count(ctx, 'hub', 'failed');
    }
  }
}

/** Matched by email: the hub records holding it are shared again, and now find the contact and link to it. */
async function reshareHolders(ctx: SyncContext, holders: readonly IdMap[]): Promise<void> {
  for (const holder of holders) {
    const mapping = contactMappingFor(holder.hubCollection as ConnecListCollection);
    const record = await ctx.connec.get(mapping.hubCollection, holder.hubId!);
    await shareHubRecords(ctx, mapping, [record], true);
    await flushPendingWrites(ctx);
  }
}

/**
 * A contact created in CC becomes a person: a customer, or a supplier or lead when in those lists. A
 * customer belongs in "Customer list", so once the person exists the contact joins it there (unless it is
 * unsubscribed: joining a list would be subscribing it).
 */
function queuePersonCreation(
  ctx: SyncContext,
  mirrored: MirroredContact,
  roles: readonly ListRole[],
  hubWrites: HubWriteBatch,
): void {
  const receiver = CC_BORN_CONTACTS.mapping;
  const shared = contactToShared(mirrored.contact);
  const record: Record<string, unknown> = {
    ...sharedToHubPatch(receiver, shared, {}),
    ...listRolesToHubFlags(receiver, [...roles]),
    id: [ownIdEntry(mirrored.contactId, ctx.realm)],
  };
  hubWrites.add({ collection: receiver.hubCollection, record }, async (result) => {
    const hubId = result.ok ? connecIdOf(result.record.id) : undefined;
    if (!result.ok || !hubId) {
      await ctx.repos.idMaps.recordFailure({
        organizationId: ctx.organization.id,
        hubCollection: receiver.hubCollection,
        key: { ccContactId: mirrored.contactId },
        email: mirrored.email,
        reason: result.ok
          ? `Connec! created the ${receiver.entity} without an id`
          : `Connec! refused the new ${receiver.entity}: ${result.error.message}`,
      });
      count(ctx, 'hub', 'failed');
      return;
    }
    // What the hub will hold of it: a person carries fewer fields than a contact (no company name).
    const hubShared = hubToShared(receiver, record);
    const link = (contact: CcContact) =>
      ctx.repos.idMaps.link(
        pairLink(
          {
            organizationId: ctx.organization.id,
            hubCollection: receiver.hubCollection,
            hubId,
            hub: hubShared,
            roles: [...roles],
            active: true,
            hubRaw: Object.fromEntries(
              Object.entries(record).filter(([k]) => k !== 'id' && !k.startsWith('is_')),
            ),
            contact,
          },
          ctx.lists.roleOfListId,
        ),
      );
    await link(mirrored.contact);
    count(ctx, 'hub', 'created');
    ctx.metrics?.ccChangeReachedHub(mirrored.ccUpdatedAt, ctx.now());
    await joinRoleLists(ctx, mirrored, hubId, roles, link);
  });
}

/** Puts a contact the hub now holds in the lists of its roles, keeping the lists it is already in. */
async function joinRoleLists(
  ctx: SyncContext,
  mirrored: MirroredContact,
  hubId: string,
  roles: readonly ListRole[],
  relink: (written: CcContact) => Promise<unknown>,
): Promise<void> {
  const receiver = CC_BORN_CONTACTS.mapping;
  const current = contactListRoles(mirrored.contact, ctx.lists.roleOfListId);
  if (isUnsubscribed(mirrored.contact) || roles.every((r) => current.includes(r))) return;
  const wanted = await ctx.lists.idsFor(sortRoles([...new Set([...current, ...roles])]));
  queueMembershipChange(ctx, mirrored.contact, wanted, {
    done: async (written) => {
      await relink(written);
      count(ctx, 'cc', 'updated');
    },
    failed: async (reason, options) => {
      await ctx.repos.idMaps.recordFailure({
        organizationId: ctx.organization.id,
        hubCollection: receiver.hubCollection,
        key: { hubId, ccContactId: mirrored.contactId },
        email: mirrored.email,
        reason,
        retryNextRun: options?.retryNextRun === true,
      });
    },
  });
}
