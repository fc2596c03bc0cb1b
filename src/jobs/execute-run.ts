import type { Logger } from '../logger.ts';
import type { RunTrigger, SyncRun } from '../model/sync-run.ts';
import { runSync, type SyncEngineDeps } from '../sync/run-sync.ts';
import { type LeaseTimings, takeRunLease } from './run-lease.ts';

/** Hears of each run that ended, whichever scheduler ran it. */
export type RunEndedListener = (run: SyncRun) => void;

/**
 * One run of one organization under its lease, as every scheduler runs it: the lease is taken (null when
 * a live run of another process has it), a run a dead process left is marked abandoned, the run goes with
 * the lease as its fence, and the lease is freed whatever happens. A lost lease aborts the run.
 */
export async function executeRun(
  engine: SyncEngineDeps,
  organizationId: string,
  trigger: RunTrigger,
  options: {
    owner: string;
    lease: LeaseTimings;
    logger: Logger;
    controller: AbortController;
    onProgress?: () => Promise<void>;
    /** The run's call cap (see `maxCallsFor`); none: it runs to its end. */
    maxCalls?: number;
    /** Told of the run once it ended and its lease is free (the alert emails look at it); must not throw. */
    runEnded?: RunEndedListener;
  },
): Promise<SyncRun | null> {
  const { controller } = options;
  const lease = await takeRunLease(engine.repos, organizationId, {
    owner: options.owner,
    timings: options.lease,
    logger: options.logger,
    onLost: (error) => controller.abort(error),
  });
  if (!lease) return null;
  let run: SyncRun;
  try {
    // Holding the lease, any run still marked running belongs to a process that died.
    await engine.repos.syncRuns.failAbandoned(
      organizationId,
      'The process running it stopped before it finished.',
    );
    run = await runSync(engine, organizationId, trigger, {
      signal: controller.signal,
      fence: lease.assertHeld,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.maxCalls !== undefined ? { maxCalls: options.maxCalls } : {}),
    });
  } finally {
    await lease.release();
  }
  options.runEnded?.(run);
  return run;
}
