import type { MirroredContact } from '../db/repositories/cc-mirror.ts';
import { contactListRoles, contactToShared } from '../mapping/contact-shared.ts';
import { normalizeEmail } from '../mapping/normalize-email.ts';
import { rolesHeldBy } from '../mapping/registry.ts';
import type { SharedContact } from '../mapping/shared-contact.ts';
import type { IdMap } from '../model/id-map.ts';
import { WritePlan } from './apply/write-plan.ts';
import { carryOut } from './carry-out.ts';
import { planPersonCreation } from './cc-born-person.ts';
import { ccFingerprint } from './contact-snapshot.ts';
import { shareHubRecords } from './hub-records.ts';
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
  const plan = new WritePlan();
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
    const decision = decideContactChange(
      { deleted: mirrored.deleted, fingerprint, maps },
      ctx.mappings.primacyRank,
    );
    for (const action of decision.actions) {
      await applyRecordAction(ctx, action, shared, mirrored, plan);
    }
    if (decision.isNew) newContacts.push(mirrored);
  }
  if (newContacts.length > 0) await shareNewContacts(ctx, newContacts, plan);
  await carryOut(ctx, plan);
}

async function applyRecordAction(
  ctx: SyncContext,
  action: RecordAction,
  shared: SharedContact,
  mirrored: MirroredContact,
  plan: WritePlan,
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
      await planContactChange(ctx, action.map, shared, mirrored, plan, action.primary);
      return;
  }
}

/** A linked contact changed in CC: merge into the hub record, which did not change since the last sync. */
async function planContactChange(
  ctx: SyncContext,
  map: IdMap,
  ccShared: SharedContact,
  mirrored: MirroredContact,
  writes: WritePlan,
  primary: boolean,
): Promise<void> {
  const mapping = ctx.mappings.contactMappingFor(map.hubCollection);
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
  const link = pairLink(
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
  );
  if (!wrote) {
    await ctx.repos.idMaps.link(link);
    count(ctx, 'hub', 'unchanged');
    return;
  }
  writes.writeHub({
    kind: 'record',
    ref: { hubCollection: mapping.hubCollection, hubId },
    contactId: mirrored.contactId,
    email: plan.nextHub.email,
    patch: plan.patch,
    ids: null,
    refusal: 'Connec! refused the change from Constant Contact',
    link: { input: link, ccUpdatedAt: mirrored.ccUpdatedAt },
  });
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
  plan: WritePlan,
): Promise<void> {
  const orgId = ctx.organization.id;
  const emails = contacts.map((c) => c.email).filter((e): e is string => e !== null);
  const mapsByEmail = await ctx.repos.idMaps.findByEmails(orgId, emails);
  const { mapping: receiver, defaultRole } = ctx.mappings.ccBorn;
  const rules: CcBornRules = {
    settings: ctx.organization.settings,
    toHub: flowsFor(ctx, receiver.hubCollection).toHub && receiver.flows.ccToHub,
    roles: rolesHeldBy(receiver),
    defaultRole,
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
      if (decision.kind === 'match') await reshareHolders(ctx, decision.holders, plan);
      else if (decision.kind === 'create') planPersonCreation(ctx, plan, mirrored, decision.roles);
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
async function reshareHolders(ctx: SyncContext, holders: readonly IdMap[], plan: WritePlan): Promise<void> {
  for (const holder of holders) {
    const mapping = ctx.mappings.contactMappingFor(holder.hubCollection);
    const record = await ctx.connec.get(mapping.hubCollection, holder.hubId!);
    await shareHubRecords(ctx, mapping, [record], plan, true);
  }
}
