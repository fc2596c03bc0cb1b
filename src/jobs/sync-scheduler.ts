import { ConnectorError } from '../errors.ts';
import type { RunTrigger, SyncRun } from '../model/sync-run.ts';

/** A run was asked for while the connector is stopping: it takes no new job. */
export class SchedulerStoppedError extends ConnectorError {
  readonly code = 'SCHEDULER_STOPPED';
  override readonly httpStatus = 503;
}

/**
 * Work the connector does on its own now and then, besides runs (handing back authorizations of
 * confirmations nobody answered). The scheduler calls it periodically; it must be safe in every process at
 * once, each item taken by one.
 */
export type Housekeeping = () => Promise<unknown>;

/**
 * How the rest of the connector asks for sync runs. The embedded mode runs them in this process; the
 * scale-out mode puts them on a queue in Redis that worker processes take them from. Either way at most one run per organization goes at a time
 * (a lease in the database), and asking again while one is queued does not queue another.
 */
export interface SyncScheduler {
  /** Queues a run for the organization and returns at once. */
  request(organizationId: string, trigger: RunTrigger): void;
  /** A Connec! notification for the organization: a run follows after a short quiet period (debounced). */
  notify(organizationId: string): void;
  /**
   * Runs now and waits for the result; null when another run holds the organization's lease. Throws
   * `SchedulerStoppedError` once `stop` was called.
   */
  runNow(organizationId: string, trigger: RunTrigger): Promise<SyncRun | null>;
  /** The organization was deleted: queued work is dropped and a running run is stopped. */
  cancel(organizationId: string): Promise<void>;
  /** Starts the periodic schedule. */
  start(): void;
  /**
   * Takes no new job, drops the queued ones, aborts running runs at their next call (recorded as cancelled
   * because the connector was stopping) and resolves once they have released their leases.
   */
  stop(): Promise<void>;
  /** Runs waiting, by priority name (`priority`, `first_link`, `schedule`), for metrics. */
  queueDepth(): Promise<Record<string, number>>;
  /** Resolves once nothing is queued, debouncing or running (tests and graceful stops). */
  idle(): Promise<void>;
  /** Releases connections the scheduler holds (the queue's), after `stop`. */
  close?(): Promise<void>;
}
