import { MAX_ACTIVITY_CONTACT_IDS } from '../../constantcontact/activities-api.ts';
import type { CcContact } from '../../constantcontact/types.ts';
import { addToGroup } from '../groups.ts';
import type { SyncContext } from '../sync-context.ts';
import { activityGiveUpReason, isActivityGiveUp, refusedToQueue } from './activity-give-up.ts';
import { putContact } from './put-contact.ts';
import type { ListChange } from './write-plan.ts';
import { type CcWriteResult, failed } from './write-results.ts';

/** Lists to add a contact to and to take it out of. */
export type ListMoves = Pick<ListChange, 'contact' | 'add' | 'remove'>;

function afterChange(change: ListMoves): string[] {
  const lists = new Set(change.contact.list_memberships ?? []);
  for (const id of change.add) lists.add(id);
  for (const id of change.remove) lists.delete(id);
  return [...lists];
}

/**
 * Changes contacts' lists: one update per contact for a few, CC's membership activities (one request per
 * list and 500 contacts) above the bulk threshold. Answers what CC now holds of each, or why it failed.
 */
export async function changeLists(
  ctx: SyncContext,
  changes: readonly ListChange[],
): Promise<CcWriteResult<ListChange>[]> {
  if (changes.length <= ctx.options.bulkThreshold) {
    const results: CcWriteResult<ListChange>[] = [];
    for (const change of changes) results.push(await updateOne(ctx, change));
    return results;
  }
  const addFailed = await applyActivities(ctx, changes, 'add');
  const removeFailed = await applyActivities(ctx, changes, 'remove');
  const results: CcWriteResult<ListChange>[] = [];
  const written: CcContact[] = [];
  for (const change of changes) {
    const reason = addFailed.get(change.contact.contact_id) ?? removeFailed.get(change.contact.contact_id);
    if (reason) {
      results.push(failed(change, reason, true));
      continue;
    }
    const contact: CcContact = { ...change.contact, list_memberships: afterChange(change) };
    written.push(contact);
    results.push({ write: change, ok: true, contact });
  }
  await ctx.repos.ccMirror.recordWritten(ctx.organization.id, written);
  return results;
}

async function updateOne(ctx: SyncContext, change: ListChange): Promise<CcWriteResult<ListChange>> {
  // From the contact as last known: another write of this run may have changed its lists since.
  const contactId = change.contact.contact_id;
  const contact =
    (await ctx.repos.ccMirror.get(ctx.organization.id, [contactId])).get(contactId)?.contact ??
    change.contact;
  const listIds = afterChange({ ...change, contact }).filter((id) => ctx.lists.ourListIds.has(id));
  const result = await putContact(ctx, { contact, changed: {}, listIds });
  return { ...result, write: change };
}

/**
 * Sends the list changes of one kind as membership activities (one per list and 500 contacts) and waits
 * for each. Returns the contacts whose activity CC did not carry out (failed, cancelled, timed out, still
 * processing at the deadline, or not queued), with the reason to record on their records.
 */
export async function applyActivities(
  ctx: SyncContext,
  changes: readonly ListMoves[],
  kind: 'add' | 'remove',
): Promise<Map<string, string>> {
  const byList = new Map<string, string[]>();
  for (const change of changes) {
    for (const listId of change[kind]) addToGroup(byList, listId, change.contact.contact_id);
  }
  const failures = new Map<string, string>();
  for (const [listId, contactIds] of byList) {
    for (let i = 0; i < contactIds.length; i += MAX_ACTIVITY_CONTACT_IDS) {
      const chunk = contactIds.slice(i, i + MAX_ACTIVITY_CONTACT_IDS);
      // Once CC refused to queue one, the others would be refused too: they are not sent.
      if (ctx.activityQueueFull) {
        const reason = activityGiveUpReason(ctx.activityQueueFull, 'list update');
        for (const id of chunk) failures.set(id, reason);
        continue;
      }
      try {
        const activity =
          kind === 'add'
            ? await ctx.cc.activities.addListMemberships(chunk, [listId])
            : await ctx.cc.activities.removeListMemberships(chunk, [listId]);
        await ctx.cc.activities.waitForCompletion(activity, { deadlineMs: ctx.options.activityDeadlineMs });
      } catch (error) {
        if (!isActivityGiveUp(error)) throw error;
        const reason = activityGiveUpReason(error, 'list update');
        ctx.logger.warn({ code: error.code, contacts: chunk.length }, 'bulk list update gave up');
        if (refusedToQueue(error)) ctx.activityQueueFull = error;
        for (const id of chunk) failures.set(id, reason);
      }
    }
  }
  return failures;
}
