import { buildFilter } from '../connec/filter.ts';
import { connecIdOf } from '../connec/ids.ts';
import type { HubCollection } from '../model/hub-collections.ts';
import { MAX_PLANNED_WRITES, WritePlan } from './apply/write-plan.ts';
import { carryOut } from './carry-out.ts';
import type { HubRecord } from './hub-item.ts';
import type { SyncContext } from './sync-context.ts';

/**
 * Streams the records of a hub collection changed since the collection's cursor, one page at a time, in
 * `updated_at` order. Pages by keyset (`updated_at ge` the last one seen, skipping the ids already handled
 * at that instant) rather than by `$skip`, so a record changed while the run reads cannot shift another out
 * of the window. After each page the cursor is checkpointed; once the stream ends it moves to the start of
 * the read minus the look-back, so a change made during the run is read by the next one.
 *
 * Each page is planned into one plan shared by the pages that follow, so writes to CC go in bulk; the plan
 * is carried out once a page leaves it no write to CC (then the cursor may move past the page), once it is
 * full, and at the end. When the run's call budget is spent after a full page (counting the plan's
 * writes), the read stops there (its plan carried out, its checkpoint saved) and returns false: the next
 * run goes on from the checkpoint.
 */
export async function readHubChanges(
  ctx: SyncContext,
  collection: HubCollection,
  planPage: (records: HubRecord[], plan: WritePlan) => Promise<void>,
): Promise<boolean> {
  const { repos, organization, options } = ctx;
  const startedAt = ctx.now();
  let from = await repos.cursors.get(organization.id, 'hub', collection);
  let seenAtBoundary = new Set<string>();
  let skip = 0;
  let plan = new WritePlan();
  const settle = async () => {
    await carryOut(ctx, plan);
    plan = new WritePlan();
  };

  for (;;) {
    const filter = from ? buildFilter([['updated_at', 'ge', from]]) : undefined;
    const page = await ctx.connec.page(collection, {
      ...(filter ? { filter } : {}),
      orderBy: 'updated_at asc',
      pageSize: options.hubPageSize,
      skip,
    });
    const fresh = page.records.filter((r) => !seenAtBoundary.has(connecIdOf(r.id) ?? ''));
    if (fresh.length > 0) await planPage(fresh, plan);
    if (plan.ccWrites === 0 || plan.size >= MAX_PLANNED_WRITES) await settle();
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
    if (skip === 0 && ctx.callBudget.exhaustedWith(plan.ccCallEstimate(options.bulkThreshold))) {
      await settle();
      // The records at the checkpoint's instant are read again next time: already shared, they cost nothing.
      await repos.cursors.set(organization.id, 'hub', collection, last);
      return false;
    }
    // Records whose writes wait in the plan are not done yet: no checkpoint past them.
    if (plan.isEmpty) await repos.cursors.set(organization.id, 'hub', collection, last);
  }
  await settle();
  const next = new Date(startedAt.getTime() - options.lookbackMs).toISOString();
  await repos.cursors.set(organization.id, 'hub', collection, next);
  return true;
}
