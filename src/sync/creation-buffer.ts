import type { LinkInput } from '../db/repositories/id-maps.ts';
import { createContacts } from './cc-create.ts';
import { flushContactUpdates } from './contact-updates.ts';
import { HubWriteBatch } from './hub-write-batch.ts';
import { createdLink, registerCreated, updateLinked } from './linked-contact.ts';
import { flushMembershipChanges } from './membership-changes.ts';
import { comparePrimary } from './primary-record.ts';
import type { SyncContext } from './sync-context.ts';

/** One bulk import request's worth: creations are held until then so large runs import in few requests. */
export const MAX_BUFFERED_CREATIONS = 40_000;

/**
 * Creates in CC the contacts buffered by `shareHubRecords` (one by one, or in bulk above the threshold),
 * links them, and registers their ids in the hub. Called when the buffer is full and at the end of each
 * collection; cursors are not checkpointed while creations wait.
 */
export async function flushCreations(ctx: SyncContext): Promise<void> {
  if (ctx.creations.size === 0) return;
  const orgId = ctx.organization.id;
  // The contact is made from its primary record, which goes first.
  const pending = [...ctx.creations.values()].map((n) => ({
    ...n,
    items: [...n.items].sort((a, b) =>
      comparePrimary(
        { hubCollection: a.mapping.hubCollection, hubId: a.hubId },
        { hubCollection: b.mapping.hubCollection, hubId: b.hubId },
      ),
    ),
  }));
  ctx.creations.clear();
  const hubWrites = new HubWriteBatch(ctx);
  // Links go in before the hub writes that register the contact ids, so a refused hub write finds its link.
  let links: LinkInput[] = [];
  const writeOut = async () => {
    await ctx.repos.idMaps.linkMany(links);
    links = [];
    await hubWrites.flush();
  };
  await createContacts(ctx, pending, {
    created: async (newContact, contact) => {
      // The contact's id goes on the first record of each collection: Connec! gives an id entry to one.
      const registered = new Set<string>();
      for (const item of newContact.items) {
        links.push(createdLink(ctx, item.mapping, item, contact));
        const collection = item.mapping.hubCollection;
        registerCreated(ctx, item.mapping, item, contact, hubWrites, !registered.has(collection));
        registered.add(collection);
      }
      if (hubWrites.size >= 100 || links.length >= 500) await writeOut();
    },
    existing: async (newContact, contact) => {
      await writeOut();
      const mirrored = (await ctx.repos.ccMirror.get(orgId, [contact.contact_id])).get(contact.contact_id)!;
      for (const item of newContact.items) {
        const revived = mirrored.deleted ? { ...mirrored, deleted: false } : mirrored;
        const map = await ctx.repos.idMaps.findByHub(orgId, item.mapping.hubCollection, item.hubId);
        await updateLinked(ctx, item.mapping, item, map, revived, hubWrites);
      }
    },
    failed: async (newContact, reason, options) => {
      for (const item of newContact.items) {
        await ctx.repos.idMaps.recordFailure({
          organizationId: orgId,
          hubCollection: item.mapping.hubCollection,
          key: { hubId: item.hubId },
          email: item.shared.email,
          reason,
          retryNextRun: options?.retryNextRun === true,
        });
      }
    },
  });
  await writeOut();
}

/**
 * Sends every write the run held back (creations, list changes). Called before a cursor may move past the
 * records they belong to, and whenever a buffer is full.
 */
export async function flushPendingWrites(ctx: SyncContext): Promise<void> {
  await flushCreations(ctx);
  await flushContactUpdates(ctx);
  await flushMembershipChanges(ctx);
  // The links are written now: the database tells the order of the records sharing a contact again.
  ctx.pendingLinks.clear();
}

/**
 * About what a CC bulk activity costs in requests: the request that starts it and a few polls of its
 * status. Only a guide for a run's call budget; the requests really sent are what is counted.
 */
const BULK_ACTIVITY_CALLS = 5;

/**
 * About how many CC requests sending the writes held back would take: one per contact up to the bulk
 * threshold, a bulk activity's few above it. Lets a run with a call budget stop before it holds more
 * writes than it may send.
 */
export function pendingWriteCalls(ctx: SyncContext): number {
  const cost = (n: number) => (n === 0 ? 0 : n > ctx.options.bulkThreshold ? BULK_ACTIVITY_CALLS : n);
  return cost(ctx.creations.size) + cost(ctx.contactUpdates.size) + cost(ctx.membershipChanges.size);
}

/** True while writes are held back: no cursor may be checkpointed past their records. */
export function hasPendingWrites(ctx: SyncContext): boolean {
  return ctx.creations.size > 0 || ctx.contactUpdates.size > 0 || ctx.membershipChanges.size > 0;
}
