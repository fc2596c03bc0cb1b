import { MAX_ACTIVITY_CONTACT_IDS } from '../constantcontact/activities-api.ts';
import type { CcContact } from '../constantcontact/types.ts';
import { activityGiveUpReason, isActivityGiveUp } from './activity-give-up.ts';
import { addToGroup } from './groups.ts';
import type { MembershipChange, MembershipOutcome } from './pending-writes.ts';
import { putContact } from './put-contact.ts';
import { count, type SyncContext } from './sync-context.ts';

/**
 * Notes that a contact's lists (only its lists) must change. Records sharing one contact add up: a list
 * one of them wants is kept even if another would leave it.
 */
export function queueMembershipChange(
  ctx: SyncContext,
  contact: CcContact,
  wantedListIds: readonly string[],
  outcome: MembershipOutcome,
): void {
  const ours = ctx.lists.ourListIds;
  const current = new Set((contact.list_memberships ?? []).filter((id) => ours.has(id)));
  const wanted = new Set(wantedListIds);
  const change = ctx.membershipChanges.get(contact.contact_id) ?? {
    contact,
    add: new Set<string>(),
    remove: new Set<string>(),
    outcomes: [],
  };
  for (const id of wanted) if (!current.has(id)) change.add.add(id);
  for (const id of current) if (!wanted.has(id)) change.remove.add(id);
  for (const id of change.add) change.remove.delete(id);
  change.outcomes.push(outcome);
  ctx.membershipChanges.set(contact.contact_id, change);
}

function afterChange(change: MembershipChange): string[] {
  const lists = new Set(change.contact.list_memberships ?? []);
  for (const id of change.add) lists.add(id);
  for (const id of change.remove) lists.delete(id);
  return [...lists];
}

/**
 * Applies the queued list changes: one update per contact for a few, CC's membership activities (one
 * request per list and 500 contacts) above the bulk threshold. Records are linked only once CC has the
 * change, so a run that fails here leaves them to the next run.
 */
export async function flushMembershipChanges(ctx: SyncContext): Promise<void> {
  if (ctx.membershipChanges.size === 0) return;
  const changes = [...ctx.membershipChanges.values()];
  ctx.membershipChanges.clear();
  if (changes.length <= ctx.options.bulkThreshold) {
    for (const change of changes) await updateOne(ctx, change);
    return;
  }
  const addFailed = await applyActivities(ctx, changes, 'add');
  const removeFailed = await applyActivities(ctx, changes, 'remove');
  for (const change of changes) {
    const reason = addFailed.get(change.contact.contact_id) ?? removeFailed.get(change.contact.contact_id);
    if (reason) {
      count(ctx, 'cc', 'failed');
      for (const outcome of change.outcomes) await outcome.failed(reason, { retryNextRun: true });
      continue;
    }
    const written: CcContact = { ...change.contact, list_memberships: afterChange(change) };
    await ctx.repos.ccMirror.recordWritten(ctx.organization.id, [written]);
    for (const outcome of change.outcomes) await outcome.done(written);
  }
}

async function updateOne(ctx: SyncContext, change: MembershipChange): Promise<void> {
  // From the contact as last known: another write of this run may have changed its lists since.
  const contactId = change.contact.contact_id;
  const contact =
    (await ctx.repos.ccMirror.get(ctx.organization.id, [contactId])).get(contactId)?.contact ??
    change.contact;
  const listIds = afterChange({ ...change, contact }).filter((id) => ctx.lists.ourListIds.has(id));
  await putContact(ctx, { contact, changed: {}, listIds, outcomes: change.outcomes });
}

/**
 * Sends the list changes of one kind as membership activities (one per list and 500 contacts) and waits
 * for each. Returns the contacts whose activity CC did not carry out (failed, cancelled, timed out, still
 * processing at the deadline, or not queued), with the reason to record on their records.
 */
export async function applyActivities(
  ctx: SyncContext,
  changes: readonly MembershipChange[],
  kind: 'add' | 'remove',
): Promise<Map<string, string>> {
  const byList = new Map<string, string[]>();
  for (const change of changes) {
    for (const listId of change[kind]) addToGroup(byList, listId, change.contact.contact_id);
  }
  const failed = new Map<string, string>();
  // Once CC refuses to queue one, the others would be refused too: they are not sent.
  let queueFull: string | null = null;
  for (const [listId, contactIds] of byList) {
    for (let i = 0; i < contactIds.length; i += MAX_ACTIVITY_CONTACT_IDS) {
      const chunk = contactIds.slice(i, i + MAX_ACTIVITY_CONTACT_IDS);
      if (queueFull) {
        for (const id of chunk) failed.set(id, queueFull);
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
        if (error.code === 'CC_ACTIVITY_QUEUE_FULL') queueFull = reason;
        for (const id of chunk) failed.set(id, reason);
      }
    }
  }
  return failed;
}
