import type { SyncRun } from '../model/sync-run.ts';

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
}
