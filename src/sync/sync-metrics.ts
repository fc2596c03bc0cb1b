import type { FinishedRunStatus, RunTrigger } from '../model/sync-run.ts';

/** What the sync engine tells the connector's metrics as runs go on. */
export interface SyncMetrics {
  /** A run ended (recorded in the sync runs table) with this status. */
  syncRunEnded(trigger: RunTrigger, status: FinishedRunStatus): void;
  /**
   * A change made in Constant Contact at `ccUpdatedAt` (the contact's `updated_at`; null when CC gave none)
   * was written to the hub at `writtenAt`.
   */
  ccChangeReachedHub(ccUpdatedAt: string | null, writtenAt: Date): void;
}
