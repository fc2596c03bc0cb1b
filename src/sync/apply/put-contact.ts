import { contactToShared, sharedToContactUpdate } from '../../mapping/contact-shared.ts';
import { isRecordError, recordErrorReason } from '../record-errors.ts';
import type { SyncContext } from '../sync-context.ts';
import { leaveListsStillHeld } from './lists-left-after-put.ts';
import type { ContactUpdate } from './write-plan.ts';
import { type CcWriteResult, failed } from './write-results.ts';

/**
 * One full update (PUT) of a contact, from its latest known state with the update's fields and lists; what
 * the contact has that the connector does not manage (custom fields, other lists, phones and addresses of
 * other kinds, birthday, anniversary) is sent back as it is, so no reading of the PUT can lose it.
 */
export async function putContact<W extends Pick<ContactUpdate, 'contact' | 'changed' | 'listIds'>>(
  ctx: SyncContext,
  update: W,
): Promise<CcWriteResult<W>> {
  const orgId = ctx.organization.id;
  const contact =
    (await ctx.repos.ccMirror.get(orgId, [update.contact.contact_id])).get(update.contact.contact_id)
      ?.contact ?? update.contact;
  const target = { ...contactToShared(contact), ...update.changed };
  try {
    const { body } = sharedToContactUpdate(
      { ...target, email: target.email ?? contact.email_address?.address ?? '' },
      contact,
      update.listIds ?? [],
      ctx.lists.ourListIds,
    );
    // An unsubscribed contact's lists are never touched: adding one back would be re-subscribing.
    if (update.listIds === null) body.list_memberships = [...(contact.list_memberships ?? [])];
    const answer = await ctx.cc.contacts.update(contact.contact_id, body);
    // Linked only once the contact has left the lists it was to leave, whatever CC made of the PUT's lists;
    // until then its records are failed and go again next run, from the contact as CC holds it.
    const { contact: written, gaveUp } = await leaveListsStillHeld(ctx, contact, body, answer);
    await ctx.repos.ccMirror.recordWritten(orgId, [written]);
    if (gaveUp) return failed(update, gaveUp, true);
    return { write: update, ok: true, contact: written };
  } catch (error) {
    if (!isRecordError(error)) throw error;
    return failed(update, recordErrorReason(error));
  }
}
