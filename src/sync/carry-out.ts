import { applyWritePlan } from './apply/apply-write-plan.ts';
import type { WritePlan } from './apply/write-plan.ts';
import { recordWriteResults } from './record-write-results.ts';
import type { SyncContext } from './sync-context.ts';

/**
 * Applies a plan and records its results, then does the same with the writes those results call for
 * (a new contact's id for its hub record, a merge with a contact CC already held, a new person's lists),
 * until nothing follows (what follows from a follow-up calls for no further write).
 */
export async function carryOut(ctx: SyncContext, plan: WritePlan): Promise<void> {
  let pending = plan;
  while (!pending.isEmpty) {
    const results = await applyWritePlan(ctx, pending);
    pending = await recordWriteResults(ctx, results);
  }
}
