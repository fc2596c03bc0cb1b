import { buildFilter } from '../connec/filter.ts';
import { connecIdOf } from '../connec/ids.ts';
import type { ConnecListCollection, ConnecRecordOf } from '../connec/records.ts';
import { flushPendingWrites, hasPendingWrites, pendingWriteCalls } from './creation-buffer.ts';
import type { SyncContext } from './sync-context.ts';

type HubRecord = ConnecRecordOf[ConnecListCollection];

/**
 * Streams the records of a hub collection changed since the collection's cursor, one page at a time, in
 * `updated_at` order. Pages by keyset (`updated_at ge` the last one seen, skipping the ids already handled
 * at that instant) rather than by `$skip`, so a record changed while the run reads cannot shift another out
 * of the window. After each page the cursor is checkpointed; once the stream ends it moves to the start of
 * the read minus the look-back, so a change made during the run is read by the next one. When the run's
 * call budget is spent after a full page (counting the writes it holds back), the read stops there (its writes sent, its checkpoint saved) and
 * returns false: the next run goes on from the checkpoint.
 */
export async function readHubChanges(
  ctx: SyncContext,
  collection: ConnecListCollection,
  handlePage: (records: HubRecord[]) => Promise<void>,
): Promise<boolean> {
  const { repos, organization, options } = ctx;
  const startedAt = ctx.now();
  let from = await repos.cursors.get(organization.id, 'hub', collection);
  let seenAtBoundary = new Set<string>();
  let skip = 0;

  for (;;) {
    const filter = from ? buildFilter([['updated_at', 'ge', from]]) : undefined;
    const page = await ctx.connec.page(collection, {
      ...(filter ? { filter } : {}),
      orderBy: 'updated_at asc',
      pageSize: options.hubPageSize,
      skip,
    });
    const fresh = page.records.filter((r) => !seenAtBoundary.has(connecIdOf(r.id) ?? ''));
    if (fresh.length > 0) await handlePage(fresh);
    if (page.records.length < options.hubPageSize) break;

    const last = page.records[page.records.length - 1]?.updated_at ?? null;
    if (!last) throw new Error(`Connec! returned ${collection} without updated_at; cannot page by it`);
    if (last === from) {
      // A whole page shares one instant: step over it by position instead.
      skip += page.records.length;
    } else {
      from = last;
      skip = 0;
      seenAtBoundary = new Set();
    }
    for (const r of page.records) if (r.updated_at === last) seenAtBoundary.add(connecIdOf(r.id) ?? '');
    // A page of one instant is stepped over by position, which a later run cannot go on from: no stop there.
    if (skip === 0 && ctx.callBudget.exhaustedWith(pendingWriteCalls(ctx))) {
      await flushPendingWrites(ctx);
      // The records at the checkpoint's instant are read again next time: already shared, they cost nothing.
      await repos.cursors.set(organization.id, 'hub', collection, last);
      return false;
    }
    // Records whose contacts wait in the creation buffer are not done yet: no checkpoint past them.
    if (!hasPendingWrites(ctx)) await repos.cursors.set(organization.id, 'hub', collection, last);
  }
  await flushPendingWrites(ctx);
  const next = new Date(startedAt.getTime() - options.lookbackMs).toISOString();
  await repos.cursors.set(organization.id, 'hub', collection, next);
  return true;
}
