import { importTakesEmail } from '../../constantcontact/bulk-import.ts';
import { contactToShared } from '../../mapping/contact-shared.ts';
import { normalizeEmail } from '../../mapping/normalize-email.ts';
import { addToGroup } from '../groups.ts';
import type { SyncContext } from '../sync-context.ts';
import { applyActivities } from './change-lists.ts';
import { importRow } from './create-contacts.ts';
import { importGroups } from './import-groups.ts';
import { putContact } from './put-contact.ts';
import { importRefusal, readBackImported } from './read-back.ts';
import type { ContactUpdate } from './write-plan.ts';
import { type CcWriteResult, failed } from './write-results.ts';

/**
 * A contact fits CC's bulk import when the import can say everything that changes: it cannot clear a
 * field, change an email (it finds contacts by email), or leave a list, nor take an email over 50
 * characters, and the connector never imports an unsubscribed contact.
 */
function importable(update: ContactUpdate): boolean {
  return (
    update.listIds !== null &&
    update.listIds.length > 0 &&
    !('email' in update.changed) &&
    Object.values(update.changed).every((v) => v !== null) &&
    importTakesEmail(update.contact.email_address?.address ?? '')
  );
}

/**
 * Sends field updates: one full update per contact for a few; above the bulk threshold, CC's import (one
 * request per set of lists and 40,000 contacts) plus membership activities for lists left, with the
 * contacts read back. Answers what CC now holds of each, or why it failed.
 */
export async function updateContacts(
  ctx: SyncContext,
  updates: readonly ContactUpdate[],
): Promise<CcWriteResult<ContactUpdate>[]> {
  const bulk = updates.length > ctx.options.bulkThreshold ? updates.filter(importable) : [];
  const inBulk = new Set(bulk);
  const results = bulk.length > 0 ? await importUpdates(ctx, bulk) : [];
  for (const update of updates) if (!inBulk.has(update)) results.push(await putContact(ctx, update));
  return results;
}

async function importUpdates(
  ctx: SyncContext,
  updates: readonly ContactUpdate[],
): Promise<CcWriteResult<ContactUpdate>[]> {
  const results: CcWriteResult<ContactUpdate>[] = [];
  const startedAt = new Date(ctx.now().getTime() - 1_000);
  const byLists = new Map<string, ContactUpdate[]>();
  for (const update of updates) {
    const key = [...(update.listIds ?? [])].sort().join(',');
    addToGroup(byLists, key, update);
  }
  // Updates whose import or list activity CC did not carry out, with why: retried next run.
  const { gaveUp, errors } = await importGroups(
    ctx,
    [...byLists].map(([key, group]) => ({
      items: group,
      rows: group.map((u) => {
        const email = u.contact.email_address?.address ?? '';
        return importRow({ ...contactToShared(u.contact), ...u.changed, email }, email);
      }),
      listIds: async () => key.split(','),
    })),
  );
  // The import only adds to lists: the connector's lists each contact must leave go by membership activity.
  const ours = ctx.lists.ourListIds;
  const leaving = updates
    .filter((u) => !gaveUp.has(u))
    .map((u) => ({
      contact: u.contact,
      add: new Set<string>(),
      remove: new Set(
        (u.contact.list_memberships ?? []).filter((id) => ours.has(id) && !u.listIds?.includes(id)),
      ),
    }));
  const leaveFailed = await applyActivities(ctx, leaving, 'remove');
  for (const update of updates) {
    const reason = leaveFailed.get(update.contact.contact_id);
    if (reason && !gaveUp.has(update)) gaveUp.set(update, reason);
  }

  const waiting = new Map(updates.filter((u) => !gaveUp.has(u)).map((u) => [u.contact.contact_id, u]));
  if (waiting.size > 0) {
    await readBackImported(
      ctx,
      startedAt,
      waiting,
      (contact) => contact.contact_id,
      (update, contact) => {
        results.push({ write: update, ok: true, contact });
      },
    );
  }
  for (const update of waiting.values()) {
    const email = normalizeEmail(update.contact.email_address?.address) ?? '';
    const reason = importRefusal(errors, email, 'Constant Contact did not apply it');
    results.push(failed(update, `Constant Contact refused an update in a bulk import: ${reason}`));
  }
  for (const [update, reason] of gaveUp) results.push(failed(update, reason, true));
  return results;
}
