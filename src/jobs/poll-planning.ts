import type { RunTrigger, SyncRun } from '../model/sync-run.ts';

/**
 * What a scheduler asks of the planner: which organizations' Constant Contact side to poll now, and what
 * each run found (so intervals adapt). Implementations keep their state in the database, so any worker can
 * plan; the schedulers call `due` from one place at a time.
 */
export interface PollPlanning {
  /** Organizations to poll now, in the order they should be queued. */
  due(now: Date): Promise<string[]>;
  /** A run of the organization ended (whatever its trigger). */
  runFinished(run: SyncRun): Promise<void>;
  /** The most CC requests one chunk of long work (a poll, a first sync) may send before it stops. */
  readonly chunkCalls: number;
}

/**
 * The call cap of a run: scheduled polls, first links and historical backfills go in chunks, so a large
 * account cannot eat the day's shared budget; what a person or a notification asked for runs to its end.
 * No planner, no cap.
 */
export function maxCallsFor(trigger: RunTrigger, planning: PollPlanning | undefined): number | undefined {
  if (!planning) return undefined;
  return CHUNKED.has(trigger) ? planning.chunkCalls : undefined;
}

const CHUNKED: ReadonlySet<RunTrigger> = new Set(['schedule', 'first_link', 'historical']);
