import type { CcContact, CcContactUpdate } from '../../constantcontact/types.ts';
import type { SyncContext } from '../sync-context.ts';
import { activityGiveUpReason, isActivityGiveUp, refusedToQueue } from './activity-give-up.ts';

const SUB_RESOURCES = ['phone_numbers', 'street_addresses', 'custom_fields', 'list_memberships'] as const;

/**
 * The contact as CC holds it after a PUT. CC keeps the sub-resources a PUT omits, so one its answer leaves
 * out is what was sent or, when nothing was sent, what the contact had.
 */
function asHeld(before: CcContact, sent: CcContactUpdate, answer: CcContact): CcContact {
  const held: CcContact = { ...answer };
  for (const key of SUB_RESOURCES) fillIn(held, key, sent[key] ?? before[key]);
  return held;
}

function fillIn<K extends (typeof SUB_RESOURCES)[number]>(
  held: CcContact,
  key: K,
  value: CcContact[K] | undefined,
): void {
  if (held[key] === undefined && value !== undefined) held[key] = value;
}

/** What a PUT left behind, once the lists it was to leave were seen to. */
export interface ListsLeft {
  /** The contact as CC holds it now. */
  contact: CcContact;
  /**
   * Set when the contact is still in a list it was to leave because CC's remove_list_memberships activity
   * did not do its work (failed, cancelled, timed out, still processing at the deadline, or not queued):
   * the reason to record on its records, which go again on the next run.
   */
  gaveUp?: string;
}

/**
 * Makes sure a PUT meant to take the contact out of some of the connector's lists did. Whether a PUT's
 * `list_memberships` replaces the contact's lists or only adds to them, CC's contract does not settle; when
 * the contact answered (or, if the answer has no lists, read again) is still in a list it was to leave, it
 * leaves through a remove_list_memberships activity, waited for no longer than the run's activity deadline.
 */
export async function leaveListsStillHeld(
  ctx: SyncContext,
  before: CcContact,
  sent: CcContactUpdate,
  answer: CcContact,
): Promise<ListsLeft> {
  const held = asHeld(before, sent, answer);
  const kept = new Set(sent.list_memberships ?? before.list_memberships ?? []);
  const leaving = (before.list_memberships ?? []).filter(
    (id) => ctx.lists.ourListIds.has(id) && !kept.has(id),
  );
  if (leaving.length === 0) return { contact: held };
  const lists =
    answer.list_memberships ??
    (await ctx.cc.contacts.get(answer.contact_id, ['list_memberships'])).list_memberships ??
    [];
  const stillIn = leaving.filter((id) => lists.includes(id));
  // Until the activity is seen to complete, CC is known to hold these lists: the next run sees them and
  // tries again (a late completion is harmless, leaving a list twice changes nothing).
  const asAnswered: CcContact = { ...held, list_memberships: lists };
  if (stillIn.length === 0) return { contact: asAnswered };
  if (ctx.activityQueueFull) {
    return { contact: asAnswered, gaveUp: activityGiveUpReason(ctx.activityQueueFull, 'list update') };
  }
  try {
    const activity = await ctx.cc.activities.removeListMemberships([answer.contact_id], stillIn);
    await ctx.cc.activities.waitForCompletion(activity, { deadlineMs: ctx.options.activityDeadlineMs });
  } catch (error) {
    if (!isActivityGiveUp(error)) throw error;
    ctx.logger.warn({ code: error.code, contacts: 1 }, 'list update after an update gave up');
    if (refusedToQueue(error)) ctx.activityQueueFull = error;
    return { contact: asAnswered, gaveUp: activityGiveUpReason(error, 'list update') };
  }
  return { contact: { ...held, list_memberships: lists.filter((id) => !stillIn.includes(id)) } };
}
