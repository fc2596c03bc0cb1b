import type { HubWriteResult } from './apply/hub-writes.ts';
import type { ContactDeletion, ContactUpdate, ListChange, NewContact } from './apply/write-plan.ts';
import { refKey, WritePlan } from './apply/write-plan.ts';
import type { CcWriteResult, CreationResult, WriteResults } from './apply/write-results.ts';
import { recordPersonCreated } from './cc-born-person.ts';
import { planIdRegistration, recordSide, updateLinked } from './linked-contact.ts';
import { pairLink } from './pair-link.ts';
import { HARD_DELETED } from './reasons.ts';
import { count, type SyncContext } from './sync-context.ts';

/**
 * Records what a carried-out plan did: links for the pairs whose writes landed, failures (with their
 * reasons, retried later) for those that did not, and the run's counts. Answers the writes that follow
 * from these results (a new contact's id registered in its hub record, a merge with a contact CC already
 * held, a new person joining its lists), as the next plan.
 */
export async function recordWriteResults(ctx: SyncContext, results: WriteResults): Promise<WritePlan> {
  const next = new WritePlan();
  const refused = await recordHubResults(ctx, results.hub, next);
  await recordDeletions(ctx, results.deletions);
  await recordCreations(ctx, results.creations, next);
  await recordContactWrites(ctx, results.updates, refused);
  await recordContactWrites(ctx, results.listChanges, refused);
  return next;
}

/** Records the hub's answers; returns the records whose hub write Connec! refused. */
async function recordHubResults(
  ctx: SyncContext,
  results: readonly HubWriteResult[],
  next: WritePlan,
): Promise<Set<string>> {
  const refused = new Set<string>();
  for (const result of results) {
    const { write } = result;
    if (write.kind === 'person') {
      if (result.ok && result.hubId) {
        await recordPersonCreated(ctx, write, result.hubId, next);
        continue;
      }
      await ctx.repos.idMaps.recordFailure({
        organizationId: ctx.organization.id,
        hubCollection: write.mapping.hubCollection,
        key: { ccContactId: write.contact.contactId },
        email: write.contact.email,
        reason: result.ok
          ? `Connec! created the ${write.mapping.entity} without an id`
          : `Connec! refused the new ${write.mapping.entity}: ${result.message}`,
      });
      count(ctx, 'hub', 'failed');
      continue;
    }
    if (result.ok) {
      if (write.link) await ctx.repos.idMaps.link(write.link.input);
      if (Object.keys(write.patch).length > 0) count(ctx, 'hub', 'updated');
      if (write.link) ctx.metrics?.ccChangeReachedHub(write.link.ccUpdatedAt, ctx.now());
      continue;
    }
    refused.add(refKey(write.ref));
    await ctx.repos.idMaps.recordFailure({
      organizationId: ctx.organization.id,
      hubCollection: write.ref.hubCollection,
      key: { hubId: write.ref.hubId, ccContactId: write.contactId },
      email: write.email,
      reason: `${write.refusal}: ${result.message}`,
    });
    count(ctx, 'hub', 'failed');
  }
  return refused;
}

async function recordDeletions(
  ctx: SyncContext,
  results: readonly CcWriteResult<ContactDeletion>[],
): Promise<void> {
  for (const result of results) {
    const { item, contact } = result.write;
    if (!result.ok) {
      await failItems(ctx, [item], contact.contact_id, result);
      continue;
    }
    await ctx.repos.idMaps.exclude({
      organizationId: ctx.organization.id,
      hubCollection: item.mapping.hubCollection,
      hubId: item.hubId,
      email: item.shared.email,
      reason: HARD_DELETED,
      hubHash: item.fingerprint,
    });
    count(ctx, 'cc', 'updated');
  }
}

/**
 * New contacts are linked to their records before the hub writes that register their ids are planned, so a
 * refused hub write finds its link. A contact CC already held (perhaps deleted) is merged with instead.
 */
async function recordCreations(
  ctx: SyncContext,
  results: readonly CreationResult[],
  next: WritePlan,
): Promise<void> {
  const created = results.filter((r) => r.ok === true);
  await ctx.repos.idMaps.linkMany(
    created.flatMap(({ write, contact }) =>
      write.items.map((item) =>
        pairLink({ ...recordSide(ctx, item.mapping, item), contact }, ctx.lists.roleOfListId),
      ),
    ),
  );
  for (const { write, contact } of created) {
    count(ctx, 'cc', 'created');
    // Connec! gives an id entry to one record per collection: the first of each carries the contact's id.
    const registered = new Set<string>();
    for (const item of write.items) {
      planIdRegistration(ctx, next, item, contact, !registered.has(item.mapping.hubCollection));
      registered.add(item.mapping.hubCollection);
    }
  }
  for (const result of results) {
    if (result.ok === 'exists') await mergeWithHeld(ctx, result.write, result.contact.contact_id, next);
    else if (result.ok === false) await failItems(ctx, result.write.items, null, result);
  }
}

async function mergeWithHeld(
  ctx: SyncContext,
  newContact: NewContact,
  contactId: string,
  next: WritePlan,
): Promise<void> {
  const orgId = ctx.organization.id;
  const mirrored = (await ctx.repos.ccMirror.get(orgId, [contactId])).get(contactId);
  if (!mirrored) throw new Error(`contact ${contactId} vanished from the connector's copy`);
  const revived = mirrored.deleted ? { ...mirrored, deleted: false } : mirrored;
  for (const item of newContact.items) {
    const map = await ctx.repos.idMaps.findByHub(orgId, item.mapping.hubCollection, item.hubId);
    await updateLinked(ctx, item.mapping, item, map, revived, next);
  }
}

/**
 * A contact's fields or lists CC now holds: each record waiting on it is linked to it as written, unless
 * the hub refused that record's half (then the record stays failed, and its retry merges again from the
 * last base).
 */
async function recordContactWrites(
  ctx: SyncContext,
  results: readonly CcWriteResult<ContactUpdate | ListChange>[],
  refused: ReadonlySet<string>,
): Promise<void> {
  for (const result of results) {
    const { write } = result;
    if (!result.ok) {
      count(ctx, 'cc', 'failed');
      for (const link of write.links) {
        await ctx.repos.idMaps.recordFailure({
          organizationId: ctx.organization.id,
          hubCollection: link.pair.hubCollection,
          key: { hubId: link.pair.hubId, ccContactId: write.contact.contact_id },
          email: link.email,
          reason: result.reason,
          retryNextRun: result.retryNextRun,
        });
      }
      continue;
    }
    for (const link of write.links) {
      count(ctx, 'cc', link.counted);
      if (refused.has(refKey(link.pair))) continue;
      await ctx.repos.idMaps.link(
        pairLink({ ...link.pair, contact: result.contact }, ctx.lists.roleOfListId),
      );
    }
  }
}

async function failItems(
  ctx: SyncContext,
  items: readonly NewContact['items'][number][],
  ccContactId: string | null,
  result: { reason: string; retryNextRun: boolean },
): Promise<void> {
  count(ctx, 'cc', 'failed');
  for (const item of items) {
    await ctx.repos.idMaps.recordFailure({
      organizationId: ctx.organization.id,
      hubCollection: item.mapping.hubCollection,
      key: { hubId: item.hubId, ...(ccContactId ? { ccContactId } : {}) },
      email: item.shared.email,
      reason: result.reason,
      retryNextRun: result.retryNextRun,
    });
  }
}
