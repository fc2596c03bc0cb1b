import { isRecordError, recordErrorReason } from '../record-errors.ts';
import type { SyncContext } from '../sync-context.ts';
import type { ContactDeletion } from './write-plan.ts';
import { type CcWriteResult, failed } from './write-results.ts';

/** Deletes contacts in CC, one request each (CC deletes softly: the contact keeps its id and email). */
export async function deleteContacts(
  ctx: SyncContext,
  deletions: readonly ContactDeletion[],
): Promise<CcWriteResult<ContactDeletion>[]> {
  const results: CcWriteResult<ContactDeletion>[] = [];
  for (const deletion of deletions) {
    try {
      await ctx.cc.contacts.delete(deletion.contact.contact_id);
      const contact = {
        ...deletion.contact,
        deleted_at: ctx.now().toISOString().slice(0, 10),
        list_memberships: [],
      };
      await ctx.repos.ccMirror.recordWritten(ctx.organization.id, [contact]);
      results.push({ write: deletion, ok: true, contact });
    } catch (error) {
      if (!isRecordError(error)) throw error;
      results.push(failed(deletion, recordErrorReason(error)));
    }
  }
  return results;
}
