import type { CcContact } from '../constantcontact/types.ts';
import type { MirroredContact } from '../db/repositories/cc-mirror.ts';
import { LIST_NAMES, type ListRole } from '../mapping/list-roles.ts';
import { COMPANY_COLLECTION } from '../mapping/registry.ts';
import { applyActivities, type ListMoves } from './apply/change-lists.ts';
import type { ListSightings } from './list-sightings.ts';
import { readContactSnapshot } from './snapshot-codec.ts';
import { flowsFor, type SyncContext } from './sync-context.ts';

const MAPS_PAGE = 1_000;

/**
 * Finds the connector's lists the user deleted in CC and makes them again, with their members. A list is
 * looked for (one read of the account's lists) only when something points at it: a contact read this run
 * left it and no contact read is still in it, or a record or the previous run failed on it. The contacts whose hub records'
 * flags put them in the list go back in it (unsubscribed ones excepted: that would be re-subscribing), the
 * records that failed on the old list are retried now, and the run says what it did.
 */
export async function restoreDeletedLists(ctx: SyncContext, sightings: ListSightings): Promise<void> {
  const orgId = ctx.organization.id;
  const ours = [...ctx.lists.ourListIds];
  const suspects = sightings.suspects();
  for (const id of await ctx.repos.idMaps.failureFragments(orgId, ours)) suspects.add(id);
  // A bulk write (a membership activity) refused on the list fails the whole run, not one record.
  const previous = (await ctx.repos.syncRuns.listRecent(orgId, 2)).find((r) => r.status !== 'running');
  for (const id of ours) if (previous?.error?.message.includes(id)) suspects.add(id);
  if (suspects.size === 0) return;
  for (const { role, listId } of await ctx.lists.findDeleted(suspects)) {
    await ctx.lists.forget(role);
    const newListId = await ctx.lists.idFor(role);
    const restored = await putBackMembers(ctx, role, listId, newListId);
    await ctx.repos.idMaps.retryFailuresMentioning(orgId, listId);
    ctx.logger.info({ role, members: restored }, 'list deleted in Constant Contact re-created');
    ctx.notices.push(
      `The list "${LIST_NAMES[role]}" was deleted in Constant Contact: the connector re-created it and ` +
        `put back ${restored === 1 ? '1 contact' : `${restored} contacts`}.`,
    );
  }
}

/**
 * Contact ids whose hub records hold `role` (active, in a collection shared towards CC): linked ones, and
 * linked ones whose last write failed (perhaps on the deleted list itself).
 */
async function memberContactIds(ctx: SyncContext, role: ListRole): Promise<Set<string>> {
  const ids = new Set<string>();
  let after: string | null = null;
  for (;;) {
    const page = await ctx.repos.idMaps.pageInStates(
      ctx.organization.id,
      ['linked', 'failed'],
      after,
      MAPS_PAGE,
    );
    if (page.length === 0) return ids;
    after = page[page.length - 1]!.id;
    for (const map of page) {
      if (map.hubCollection === COMPANY_COLLECTION || !map.hubId || !map.ccContactId) continue;
      if (!flowsFor(ctx, map.hubCollection).toCc) continue;
      const snapshot = readContactSnapshot(map.snapshot);
      if (snapshot?.active && snapshot.roles.includes(role)) ids.add(map.ccContactId);
    }
  }
}

/**
 * Adds the list's members to the new list (membership activities: one request per 500 contacts) and
 * brings the connector's copy of the account up to date: the old id leaves every contact, the new one
 * joins the members, and each contact keeps its place in the queue of changes to share.
 */
async function putBackMembers(
  ctx: SyncContext,
  role: ListRole,
  oldListId: string,
  newListId: string,
): Promise<number> {
  const orgId = ctx.organization.id;
  const memberIds = await memberContactIds(ctx, role);
  const mirrored = await ctx.repos.ccMirror.get(orgId, [...memberIds]);
  const members = [...mirrored.values()].filter((m) => !m.unsubscribed && !m.deleted);
  const changes: ListMoves[] = members
    .filter((m) => !(m.contact.list_memberships ?? []).includes(newListId))
    .map((m) => ({ contact: m.contact, add: new Set([newListId]), remove: new Set<string>() }));
  await applyActivities(ctx, changes, 'add');

  const updated = new Map<string, MirroredContact>();
  for (const m of await ctx.repos.ccMirror.inList(orgId, oldListId)) updated.set(m.contactId, m);
  for (const m of members) updated.set(m.contactId, m);
  const memberSet = new Set(members.map((m) => m.contactId));
  const rewrite = (m: MirroredContact): CcContact => {
    const lists = (m.contact.list_memberships ?? []).filter((id) => id !== oldListId && id !== newListId);
    if (memberSet.has(m.contactId)) lists.push(newListId);
    return { ...m.contact, list_memberships: lists };
  };
  const all = [...updated.values()];
  await ctx.repos.ccMirror.recordSeen(orgId, all.filter((m) => m.pending).map(rewrite));
  await ctx.repos.ccMirror.recordWritten(orgId, all.filter((m) => !m.pending).map(rewrite));
  return members.length;
}
