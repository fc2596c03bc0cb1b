import type { CcContact, CcContactUpdate } from '../../constantcontact/types.ts';
import type { SyncContext } from '../sync-context.ts';

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

/**
 * Makes sure a PUT meant to take the contact out of some of the connector's lists did. Whether a PUT's
 * `list_memberships` replaces the contact's lists or only adds to them, CC's contract does not settle; when
 * the contact answered (or, if the answer has no lists, read again) is still in a list it was to leave, it
 * leaves through a remove_list_memberships activity, and this returns only once CC completed it.
 *
 * @returns the contact as CC holds it now.
 */
export async function leaveListsStillHeld(
  ctx: SyncContext,
  before: CcContact,
  sent: CcContactUpdate,
  answer: CcContact,
): Promise<CcContact> {
  const held = asHeld(before, sent, answer);
  const kept = new Set(sent.list_memberships ?? before.list_memberships ?? []);
  const leaving = (before.list_memberships ?? []).filter(
    (id) => ctx.lists.ourListIds.has(id) && !kept.has(id),
  );
  if (leaving.length === 0) return held;
  const lists =
    answer.list_memberships ??
    (await ctx.cc.contacts.get(answer.contact_id, ['list_memberships'])).list_memberships ??
    [];
  const stillIn = leaving.filter((id) => lists.includes(id));
  if (stillIn.length === 0) return { ...held, list_memberships: lists };
  const activity = await ctx.cc.activities.removeListMemberships([answer.contact_id], stillIn);
  await ctx.cc.activities.waitForCompletion(activity);
  return { ...held, list_memberships: lists.filter((id) => !stillIn.includes(id)) };
}
