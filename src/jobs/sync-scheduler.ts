import type { RunTrigger, SyncRun } from '../model/sync-run.ts';

/**
 * How the rest of the connector asks for sync runs. The embedded mode runs them in this process; the
 * scale-out mode will put them on a queue. Either way at most one run per organization goes at a time
 * (a lease in the database), and asking again while one is queued does not queue another.
 */
export interface SyncScheduler {
  /** Queues a run for the organization and returns at once. */
  request(organizationId: string, trigger: RunTrigger): void;
  /** A Connec! notification for the organization: a run follows after a short quiet period (debounced). */
  notify(organizationId: string): void;
  /** Runs now and waits for the result; null when another run holds the organization's lease. */
  runNow(organizationId: string, trigger: RunTrigger): Promise<SyncRun | null>;
  /** The organization was deleted: queued work is dropped and a running run is stopped. */
  cancel(organizationId: string): Promise<void>;
  /** Starts the periodic schedule. */
  start(): void;
  /** Stops scheduling and waits for running runs to end. */
  stop(): Promise<void>;
}
