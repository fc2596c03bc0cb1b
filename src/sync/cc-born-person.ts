import { ownIdEntry } from '../connec/ids.ts';
import type { MirroredContact } from '../db/repositories/cc-mirror.ts';
import { contactListRoles, contactToShared, isUnsubscribed } from '../mapping/contact-shared.ts';
import { hubToShared, listRolesToHubFlags, sharedToHubPatch } from '../mapping/define-contact-mapping.ts';
import { type ListRole, sortRoles } from '../mapping/list-roles.ts';
import type { PersonCreation, WritePlan } from './apply/write-plan.ts';
import { type PairState, pairLink } from './pair-link.ts';
import { count, type SyncContext } from './sync-context.ts';

/**
 * A contact created in CC becomes a record of the collection that receives CC-born contacts (the
 * registry's `ccBorn`): a customer, or a supplier or lead when in those lists. The record carries the
 * contact's id, so a retried creation updates it instead of adding another.
 */
export function planPersonCreation(
  ctx: SyncContext,
  plan: WritePlan,
  mirrored: MirroredContact,
  roles: readonly ListRole[],
): void {
  const receiver = ctx.mappings.ccBorn.mapping;
  const shared = contactToShared(mirrored.contact);
  plan.writeHub({
    kind: 'person',
    mapping: receiver,
    contact: mirrored,
    roles: [...roles],
    record: {
      ...sharedToHubPatch(receiver, shared, {}),
      ...listRolesToHubFlags(receiver, [...roles]),
      id: [ownIdEntry(mirrored.contactId, ctx.realm)],
    },
  });
}

/**
 * Records a record the hub created for a CC-born contact: the pair is linked, and since a customer belongs
 * in "Customer list" the contact joins the lists of its roles in CC (planned in `next`), keeping those it
 * is in, unless it is unsubscribed: joining a list would be subscribing it.
 */
export async function recordPersonCreated(
  ctx: SyncContext,
  write: PersonCreation,
  hubId: string,
  next: WritePlan,
): Promise<void> {
  const { mapping, contact: mirrored, record, roles } = write;
  const pair: Omit<PairState, 'contact'> = {
    organizationId: ctx.organization.id,
    hubCollection: mapping.hubCollection,
    hubId,
    // What the hub will hold of it: a person carries fewer fields than a contact (no company name).
    hub: hubToShared(mapping, record),
    roles,
    active: true,
    hubRaw: Object.fromEntries(Object.entries(record).filter(([k]) => k !== 'id' && !k.startsWith('is_'))),
  };
  await ctx.repos.idMaps.link(pairLink({ ...pair, contact: mirrored.contact }, ctx.lists.roleOfListId));
  count(ctx, 'hub', 'created');
  ctx.metrics?.ccChangeReachedHub(mirrored.ccUpdatedAt, ctx.now());

  const current = contactListRoles(mirrored.contact, ctx.lists.roleOfListId);
  if (isUnsubscribed(mirrored.contact) || roles.every((r) => current.includes(r))) return;
  const wanted = await ctx.lists.idsFor(sortRoles([...new Set([...current, ...roles])]));
  next.changeLists(mirrored.contact, wanted, ctx.lists.ourListIds, {
    pair,
    email: mirrored.email,
    counted: 'updated',
  });
}
