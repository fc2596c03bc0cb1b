import { importTakesEmail } from '../constantcontact/bulk-import.ts';
import { contactToShared } from '../mapping/contact-shared.ts';
import { normalizeEmail } from '../mapping/normalize-email.ts';
import { importRow } from './cc-create.ts';
import { addToGroup } from './groups.ts';
import { importGroups } from './import-groups.ts';
import { applyActivities } from './membership-changes.ts';
import type { ContactUpdate, MembershipChange } from './pending-writes.ts';
import { putContact } from './put-contact.ts';
import { importRefusal, readBackImported } from './read-back.ts';
import { count, type SyncContext } from './sync-context.ts';

/** Notes a field update; a second one for the same contact in the same run adds to the first. */
export function queueContactUpdate(ctx: SyncContext, update: ContactUpdate): void {
  const queued = ctx.contactUpdates.get(update.contact.contact_id);
  if (!queued) {
    ctx.contactUpdates.set(update.contact.contact_id, update);
    return;
  }
  queued.changed = { ...queued.changed, ...update.changed };
  queued.listIds =
    queued.listIds === null || update.listIds === null
      ? null
      : [...new Set([...queued.listIds, ...update.listIds])];
  queued.outcomes.push(...update.outcomes);
}

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
 * Sends the queued field updates: one full update per contact for a few; above the bulk threshold, CC's
 * import (one request per set of lists and 40,000 contacts) plus membership activities for lists left, with
 * the contacts read back to link them. Records are linked only once CC has the change.
 */
export async function flushContactUpdates(ctx: SyncContext): Promise<void> {
  if (ctx.contactUpdates.size === 0) return;
  const updates = [...ctx.contactUpdates.values()];
  ctx.contactUpdates.clear();
  const bulk = updates.length > ctx.options.bulkThreshold ? updates.filter(importable) : [];
  const inBulk = new Set(bulk);
  const single = updates.filter((u) => !inBulk.has(u));
  if (bulk.length > 0) await importUpdates(ctx, bulk);
  for (const update of single) await putContact(ctx, update);
}

async function importUpdates(ctx: SyncContext, updates: readonly ContactUpdate[]): Promise<void> {
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
  const leaving: MembershipChange[] = updates
    .filter((u) => !gaveUp.has(u))
    .map((u) => ({
      contact: u.contact,
      add: new Set<string>(),
      remove: new Set(
        (u.contact.list_memberships ?? []).filter((id) => ours.has(id) && !u.listIds?.includes(id)),
      ),
      outcomes: [],
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
      async (update, contact) => {
        for (const outcome of update.outcomes) await outcome.done(contact);
      },
    );
  }
  for (const update of waiting.values()) {
    const email = normalizeEmail(update.contact.email_address?.address) ?? '';
    const reason = importRefusal(errors, email, 'Constant Contact did not apply it');
    count(ctx, 'cc', 'failed');
    for (const outcome of update.outcomes) {
      await outcome.failed(`Constant Contact refused an update in a bulk import: ${reason}`);
    }
  }
  for (const [update, reason] of gaveUp) {
    count(ctx, 'cc', 'failed');
    for (const outcome of update.outcomes) await outcome.failed(reason, { retryNextRun: true });
  }
}
