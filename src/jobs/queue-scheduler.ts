import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { DelayedError, Job, Queue, UnrecoverableError, WaitingError, Worker } from 'bullmq';
import { nextUtcMidnight } from '../constantcontact/error-mapping.ts';
import type { BudgetReading } from '../constantcontact/rate-limiter.ts';
import type { Repositories } from '../db/repositories/index.ts';
import type { Logger } from '../logger.ts';
import type { RunTrigger, SyncRun } from '../model/sync-run.ts';
import type { SharedRedis } from '../redis/redis-connection.ts';
import { RunCancelledError, type SyncEngineDeps } from '../sync/run-sync.ts';
import { budgetDeferral } from './budget-gate.ts';
import { executeRun, type RunEndedListener } from './execute-run.ts';
import { maxCallsFor, type PollPlanning } from './poll-planning.ts';
import { DEFAULT_LEASE_TIMINGS, type LeaseTimings } from './run-lease.ts';
import { PRIORITY_NAMES, PRIORITY_OF, RETRYABLE_RUN_ERRORS } from './run-priorities.ts';
import { type Housekeeping, SchedulerStoppedError, type SyncScheduler } from './sync-scheduler.ts';

export interface QueueSchedulerOptions {
  /** Quiet period after a notification before its run is queued. */
  debounceMs: number;
  /** A burst of notifications delays its run at most this long after the first. */
  debounceMaxMs: number;
  /** Runs one worker process takes at once. */
  concurrency: number;
  lease: LeaseTimings;
  /** How often the planner decides which organizations to poll (in one worker at a time). */
  planEveryMs: number;
  /** How often one worker does the housekeeping, when there is some. */
  housekeepingEveryMs: number;
  /** How long a job waits before trying again when another process's run holds the organization. */
  busyRetryMs: number;
  /** Attempts of a run that fails on an outage, with exponential back-off from `retryBaseMs`. */
  attempts: number;
  retryBaseMs: number;
}

export const DEFAULT_QUEUE_OPTIONS: QueueSchedulerOptions = {
  debounceMs: 5_000,
  debounceMaxMs: 60_000,
  concurrency: 2,
  lease: DEFAULT_LEASE_TIMINGS,
  planEveryMs: 60_000,
  housekeepingEveryMs: 60_000,
  busyRetryMs: 5_000,
  attempts: 4,
  retryBaseMs: 30_000,
};

interface RunJob {
  organizationId: string;
  trigger: RunTrigger;
}

interface ControlJob {
  organizationId?: string;
}

export interface QueueScheduler extends SyncScheduler {
  /** Waiting runs per priority name (`priority`, `first_link`, `schedule`), and delayed ones. */
  queueDepth(): Promise<Record<string, number>>;
  /** Closes the queue connections (after `stop`). */
  close(): Promise<void>;
}

/**
 * The scale-out mode's scheduler, on BullMQ in Redis: every process can queue runs (web processes only
 * queue); worker processes (`engine` given) take them. Per organization at most one run goes and at most
 * one waits (BullMQ's deduplication keeping the last request made while a run goes, so none is dropped);
 * manual runs and notifications go first, then first links, then the planner's polls. Notifications are
 * debounced in Redis, cancellation is a Redis flag every worker checks at each page, and the planner runs as
 * a repeatable job, so no process keeps timers or state of its own that another would need.
 */
export function createQueueScheduler(input: {
  redis: SharedRedis;
  repos: Repositories;
  logger: Logger;
  /** Given in worker processes: runs are taken and executed here. */
  engine?: SyncEngineDeps;
  /** Decides which organizations' CC side to poll; asked by one worker at a time (a repeatable job). */
  planning?: PollPlanning;
  /** The shared CC budget: a run that would find it spent waits for the reset instead of starting. */
  budget?: { reading: BudgetReading; reserveShare: number };
  /** Done by one worker at a time, every `housekeepingEveryMs` (a repeatable job, as the planner). */
  housekeeping?: Housekeeping;
  options?: Partial<QueueSchedulerOptions>;
  /** Told of each run this process ended (the alert emails). */
  runEnded?: RunEndedListener;
}): QueueScheduler {
  const { redis } = input;
  const settings = { ...DEFAULT_QUEUE_OPTIONS, ...input.options };
  const logger = input.logger.child({ component: 'queue-scheduler' });
  const owner = `${hostname()}-${process.pid}-${randomUUID().slice(0, 6)}`;
  const prefix = redis.key('bull');
  const runs = new Queue<RunJob>('runs', { connection: redis.client, prefix });
  const control = new Queue<ControlJob>('control', { connection: redis.client, prefix });
  const cancelKey = (organizationId: string) => redis.key('cancel', organizationId);
  const firstNoticeKey = (organizationId: string) => redis.key('notified-at', organizationId);
  const runDedup = (organizationId: string) => `run:${organizationId}`;
  const active = new Map<string, AbortController>();
  const workers: Worker[] = [];
  // Workers block on connections of their own; closed with the workers.
  const workerConnections: SharedRedis[] = [];
  let stopped = false;

  async function enqueue(organizationId: string, trigger: RunTrigger): Promise<void> {
    const priority = PRIORITY_OF[trigger];
    const job = await runs.add(
      'run',
      { organizationId, trigger },
      {
        priority,
        deduplication: { id: runDedup(organizationId), keepLastIfActive: true },
        attempts: settings.attempts,
        backoff: { type: 'exponential', delay: settings.retryBaseMs },
        removeOnComplete: { count: 1000 },
        removeOnFail: { count: 1000 },
      },
    );
    // Already waiting at a lower priority (a poll, perhaps deferred for budget): a user or the hub is
    // waiting now, so it moves up, and out of a deferral the reserve is there for.
    const waiting = job.id ? await Job.fromId<RunJob>(runs, job.id) : undefined;
    if (waiting && waiting.opts.priority !== undefined && waiting.opts.priority > priority) {
      const state = await waiting.getState();
      if (state === 'prioritized' || state === 'waiting' || state === 'delayed') {
        await waiting.updateData({ organizationId, trigger });
        await waiting.changePriority({ priority });
        if (state === 'delayed') await waiting.promote();
      }
    }
  }

  function fireAndLog(what: string, organizationId: string, work: Promise<unknown>): void {
    work.catch((error: unknown) => logger.error({ err: error, organizationId }, `${what} failed`));
  }

  async function processRun(job: Job<RunJob>, token: string | undefined): Promise<string | null> {
    const { organizationId, trigger } = job.data;
    const engine = input.engine!;
    if (await redis.client.exists(cancelKey(organizationId))) return null;
    const deferUntil = input.budget
      ? await budgetDeferral(input.budget.reading, trigger, input.budget.reserveShare, engine.now())
      : null;
    if (deferUntil) await deferTo(job, token, deferUntil, engine.now());
    const controller = new AbortController();
    active.set(job.id!, controller);
    let run: SyncRun | null;
    const maxCalls = maxCallsFor(trigger, input.planning);
    try {
      run = await executeRun(engine, organizationId, trigger, {
        owner,
        lease: settings.lease,
        logger,
        controller,
        ...(maxCalls !== undefined ? { maxCalls } : {}),
        ...(input.runEnded ? { runEnded: input.runEnded } : {}),
        onProgress: async () => {
          if (await redis.client.exists(cancelKey(organizationId))) {
            controller.abort(new RunCancelledError('The organization was disconnected or deleted.'));
          }
        },
      });
    } finally {
      active.delete(job.id!);
    }
    if (run) await input.planning?.runFinished(run);
    if (!run) {
      // A live run of another process has the organization: try again shortly (never dropped).
      await job.moveToDelayed(Date.now() + settings.busyRetryMs, token);
      throw new DelayedError();
    }
    if (stopped && run.status === 'cancelled') {
      // Stopped by this process's shutdown: back in line, where another worker picks it up.
      await job.moveToWait(token);
      throw new WaitingError();
    }
    const code = run.error?.code;
    if (code === 'CC_QUOTA_EXCEEDED') {
      const resetAt = (await input.budget?.reading.blockedUntil()) ?? nextUtcMidnight(engine.now());
      await deferTo(job, token, resetAt, engine.now());
    }
    if (run.status === 'failed' && code && RETRYABLE_RUN_ERRORS.has(code)) {
      throw new Error(`run ${run.id} failed (${code}); trying again after a pause`);
    }
    if (run.status === 'failed') throw new UnrecoverableError(`run ${run.id} failed (${code})`);
    return run.id;
  }

  /** Puts the job back until `until` (on the engine's clock, which tests move) and ends this attempt. */
  async function deferTo(
    job: Job<RunJob>,
    token: string | undefined,
    until: Date,
    now: Date,
  ): Promise<never> {
    logger.info({ organizationId: job.data.organizationId, until }, 'CC budget spent; run deferred');
    await job.moveToDelayed(Date.now() + Math.max(0, until.getTime() - now.getTime()), token);
    throw new DelayedError();
  }

  async function processControl(job: Job<ControlJob>): Promise<void> {
    if (job.name === 'notified' && job.data.organizationId) {
      await redis.client.del(firstNoticeKey(job.data.organizationId));
      await enqueue(job.data.organizationId, 'notification');
      return;
    }
    if (job.name === 'housekeeping' && input.housekeeping) {
      await input.housekeeping();
      return;
    }
    if (job.name === 'plan' && input.planning) {
      for (const organizationId of await input.planning.due(new Date())) {
        await enqueue(organizationId, 'schedule');
      }
    }
  }

  const scheduler: QueueScheduler = {
    request(organizationId, trigger) {
      if (stopped) return;
      fireAndLog(
        'queueing a run',
        organizationId,
        // A request made after a cancellation (say, a new link) means the organization is wanted again.
        redis.client.del(cancelKey(organizationId)).then(() => enqueue(organizationId, trigger)),
      );
    },

    notify(organizationId) {
      if (stopped) return;
      const queueNotice = async () => {
        const now = Date.now();
        await redis.client.set(
          firstNoticeKey(organizationId),
          String(now),
          'PX',
          settings.debounceMaxMs * 2,
          'NX',
        );
        const first = Number((await redis.client.get(firstNoticeKey(organizationId))) ?? now);
        const delay = Math.max(0, Math.min(settings.debounceMs, first + settings.debounceMaxMs - now));
        await control.add(
          'notified',
          { organizationId },
          {
            delay,
            // Each notice replaces the waiting one: the run is queued after `debounceMs` of quiet.
            deduplication: { id: `notified:${organizationId}`, ttl: delay, extend: true, replace: true },
            removeOnComplete: true,
            removeOnFail: { count: 100 },
          },
        );
      };
      fireAndLog('debouncing a notification', organizationId, queueNotice());
    },

    async runNow(organizationId, trigger) {
      if (stopped || !input.engine) {
        throw new SchedulerStoppedError(
          'The connector is stopping and starts no new sync run; run it again once the connector is back.',
        );
      }
      return executeRun(input.engine, organizationId, trigger, {
        owner,
        lease: settings.lease,
        logger,
        controller: new AbortController(),
        ...(input.runEnded ? { runEnded: input.runEnded } : {}),
      });
    },

    async cancel(organizationId) {
      await redis.client.set(cancelKey(organizationId), '1', 'PX', 10 * 60_000);
      const waitingId = await runs.getDeduplicationJobId(runDedup(organizationId));
      const waiting = waitingId ? await Job.fromId<RunJob>(runs, waitingId) : undefined;
      if (waiting && (await waiting.getState()) !== 'active') await waiting.remove().catch(() => undefined);
      // Whichever worker runs it sees the flag at its next page; wait until its lease is free.
      const deadline = Date.now() + 2 * settings.lease.ttlMs;
      while (Date.now() < deadline && (await input.repos.organizations.leaseOf(organizationId)) !== null) {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },

    start() {
      if (!input.engine || workers.length > 0) return;
      stopped = false;
      const connection = redis.duplicate();
      const controlConnection = redis.duplicate();
      workerConnections.push(connection, controlConnection);
      workers.push(
        new Worker<RunJob>('runs', (job, token) => processRun(job, token), {
          connection: connection.client,
          prefix,
          concurrency: settings.concurrency,
          // A killed worker's job is seen as stalled and handed on within about 2 x this.
          lockDuration: 15_000,
          stalledInterval: 15_000,
          maxStalledCount: 10,
        }),
        new Worker<ControlJob>('control', (job) => processControl(job), {
          connection: controlConnection.client,
          prefix,
          concurrency: 4,
        }),
      );
      for (const worker of workers) {
        worker.on('error', (error) => logger.error({ err: error }, 'queue worker error'));
      }
      if (input.planning) {
        fireAndLog(
          'scheduling the planner',
          '-',
          control.upsertJobScheduler('plan', { every: settings.planEveryMs }, { name: 'plan', data: {} }),
        );
      }
      if (input.housekeeping) {
        fireAndLog(
          'scheduling the housekeeping',
          '-',
          control.upsertJobScheduler(
            'housekeeping',
            { every: settings.housekeepingEveryMs },
            {
              name: 'housekeeping',
              data: {},
              opts: { removeOnComplete: true, removeOnFail: { count: 100 } },
            },
          ),
        );
      }
    },

    async stop() {
      stopped = true;
      const reason = new RunCancelledError('The connector was stopping.');
      for (const controller of active.values()) controller.abort(reason);
      await Promise.all(workers.map((worker) => worker.close()));
      workers.length = 0;
      await Promise.all(workerConnections.splice(0).map((connection) => connection.close()));
    },

    async queueDepth() {
      const counts = await runs.getCountsPerPriority([1, 2, 3]);
      const depth: Record<string, number> = {};
      for (const [priority, count] of Object.entries(counts)) {
        depth[PRIORITY_NAMES[Number(priority)] ?? priority] = count;
      }
      depth.delayed = await runs.getDelayedCount();
      return depth;
    },

    async idle() {
      for (;;) {
        const counts = await runs.getJobCounts('waiting', 'prioritized', 'active');
        const notices = await control.getJobCounts('waiting', 'delayed', 'active');
        const busy = Object.values(counts).reduce((a, b) => a + b, 0);
        // The planner's own repeatable job is always delayed: only notices count.
        const pendingNotices = (notices.waiting ?? 0) + (notices.active ?? 0) + (await noticesDelayed());
        if (busy === 0 && pendingNotices === 0) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },

    async close() {
      await scheduler.stop();
      await Promise.all([runs.close(), control.close()]);
    },
  };

  async function noticesDelayed(): Promise<number> {
    const delayed = await control.getDelayed();
    return delayed.filter((job) => job.name === 'notified').length;
  }

  return scheduler;
}
