import type { SyncContext } from '../sync-context.ts';
import { changeLists } from './change-lists.ts';
import { createContacts } from './create-contacts.ts';
import { deleteContacts } from './delete-contacts.ts';
import { applyHubWrites } from './hub-writes.ts';
import { updateContacts } from './update-contacts.ts';
import type { WritePlan } from './write-plan.ts';
import type { WriteResults } from './write-results.ts';

/**
 * Carries out a plan, each kind of write in its cheapest calls: hub writes in Connec! batches, then CC's
 * deletions, creations, field updates and list changes (bulk import and membership activities above the
 * bulk threshold, one request per contact below it). Hub writes go first, so what CC's writes report can
 * be recorded knowing whether the hub refused the same record's half. Answers what became of each write;
 * a record's failure is a result, and only what stops the whole run (an outage, a lost authorization) throws.
 */
export async function applyWritePlan(ctx: SyncContext, plan: WritePlan): Promise<WriteResults> {
  const hub = await applyHubWrites(ctx, plan.hubWrites);
  const deletions = await deleteContacts(ctx, plan.deletions);
  const creations = await createContacts(ctx, plan.creations);
  const updates = await updateContacts(ctx, plan.updates);
  const listChanges = await changeLists(ctx, plan.listChanges);
  return { hub, deletions, creations, updates, listChanges };
}
