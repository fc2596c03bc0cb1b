import type { CcImportRow } from '../../constantcontact/types.ts';
import type { SyncContext } from '../sync-context.ts';
import { activityGiveUpReason, isActivityGiveUp, refusedToQueue } from './activity-give-up.ts';

/** Rows CC imports together: one import puts all its rows in the same lists. */
export interface ImportGroup<T> {
  /** What each row stands for, in the order of `rows`. */
  items: readonly T[];
  rows: readonly CcImportRow[];
  /** Resolved only when the group is sent (creating a missing list costs a request). */
  listIds: () => Promise<readonly string[]>;
}

export interface ImportOutcome<T> {
  /** Items whose import CC did not carry out, with the reason to show: retried next run, not read back. */
  gaveUp: Map<T, string>;
  /** CC's `activity_errors` of the completed imports, to tell which rows it refused. */
  errors: string[];
}

/**
 * Sends each group through CC's bulk import, one after another. An import CC fails, cancels, times out,
 * stalls past the deadline or will not queue gives up on the rows it had not done (rows of its earlier,
 * completed requests are in CC); once CC's activity queue is full, no more groups are sent in this run.
 * Any other error stops the run.
 */
export async function importGroups<T>(
  ctx: SyncContext,
  groups: Iterable<ImportGroup<T>>,
): Promise<ImportOutcome<T>> {
  const outcome: ImportOutcome<T> = { gaveUp: new Map(), errors: [] };
  for (const group of groups) {
    if (ctx.activityQueueFull) {
      const reason = activityGiveUpReason(ctx.activityQueueFull, 'import');
      for (const item of group.items) outcome.gaveUp.set(item, reason);
      continue;
    }
    // Rows go in order, one request after another: those counted here are in CC even if a later one fails.
    let imported = 0;
    try {
      await ctx.cc.importContacts(group.rows, await group.listIds(), {
        deadlineMs: ctx.options.activityDeadlineMs,
        onActivityCompleted: (activity, n) => {
          imported += n;
          outcome.errors.push(...(activity.activity_errors ?? []));
        },
      });
    } catch (error) {
      if (!isActivityGiveUp(error)) throw error;
      const reason = activityGiveUpReason(error, 'import');
      ctx.logger.warn({ code: error.code, contacts: group.items.length - imported }, 'bulk import gave up');
      if (refusedToQueue(error)) ctx.activityQueueFull = error;
      for (const item of group.items.slice(imported)) outcome.gaveUp.set(item, reason);
    }
  }
  return outcome;
}
