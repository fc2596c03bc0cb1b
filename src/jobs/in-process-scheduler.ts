import { randomUUID } from 'node:crypto';
import { nextUtcMidnight } from '../constantcontact/error-mapping.ts';
import type { Repositories } from '../db/repositories/index.ts';
import type { Logger } from '../logger.ts';
import type { RunTrigger, SyncRun } from '../model/sync-run.ts';
import { RunCancelledError, type SyncEngineDeps } from '../sync/run-sync.ts';
import { budgetDeferral } from './budget-gate.ts';
import { executeRun, type RunEndedListener } from './execute-run.ts';
import { maxCallsFor, type PollPlanning } from './poll-planning.ts';
import { DEFAULT_LEASE_TIMINGS, type LeaseTimings } from './run-lease.ts';
import { PRIORITY_NAMES, PRIORITY_OF } from './run-priorities.ts';
import { type SchedulerTimers, systemTimers, type TimerHandle } from './scheduler-timers.ts';
import { type Housekeeping, SchedulerStoppedError, type SyncScheduler } from './sync-scheduler.ts';

export interface InProcessSchedulerOptions {
  /** Time between scheduled runs of one organization. */
  intervalMs: number;
  /** Quiet period after a notification before its run starts, so a burst of changes makes one run. */
  debounceMs: number;
  /** How often the schedule is looked at. */
  tickMs: number;
  /** The planner (when given) is asked at most this often: it paces polls by the minute. */
  planEveryMs: number;
  /** Runs going at once across organizations (CC's budget is shared anyway). */
  concurrency: number;
  /** How long a run's lease lives and how often its heartbeat renews it. */
  lease: LeaseTimings;
  /** Share of the day's CC budget polls leave to priority work. */
  reserveShare: number;
}

export const DEFAULT_SCHEDULER_OPTIONS: InProcessSchedulerOptions = {
  intervalMs: 15 * 60_000,
  debounceMs: 5_000,
  tickMs: 30_000,
  planEveryMs: 60_000,
  concurrency: 2,
  lease: DEFAULT_LEASE_TIMINGS,
  reserveShare: 0.25,
};

export interface InProcessScheduler extends SyncScheduler {
  /** Organizations whose scheduled runs wait for a user to connect Constant Contact again. */
  needsReconnect(organizationId: string): boolean;
}

interface Running {
  controller: AbortController;
  done: Promise<SyncRun | null>;
}

/** A stable offset within the interval per organization, so organizations do not all start together. */
function spreadOffset(organizationId: string, intervalMs: number): number {
  let hash = 0;
  for (const char of organizationId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash % intervalMs;
}

/**
 * The embedded mode's scheduler: runs in this process, one run per organization at a time (held by a
 * lease in the database, so a second process cannot run the same organization), a run per organization
 * every interval (spread over the interval), a debounced run after notifications, and runs on demand. A
 * request made while the organization runs is kept and runs right after, so nothing changed during a run
 * waits for the next interval.
 */
export function createInProcessScheduler(
  engine: SyncEngineDeps,
  options: Partial<InProcessSchedulerOptions> & {
    timers?: SchedulerTimers;
    /** Told of each run that ended (the alert emails). */
    runEnded?: RunEndedListener;
    /** What the connector does on its own besides runs (see `Housekeeping`), at every tick. */
    housekeeping?: Housekeeping;
  } = {},
  /** Decides which organizations to poll; without it, each is polled every `intervalMs`. */
  planning?: PollPlanning,
): InProcessScheduler {
  const { timers = systemTimers(engine.now), runEnded, housekeeping, ...chosen } = options;
  const settings = { ...DEFAULT_SCHEDULER_OPTIONS, ...chosen };
  const repos: Repositories = engine.repos;
  const logger: Logger = engine.logger.child({ component: 'scheduler' });
  const holder = `process-${process.pid}-${randomUUID().slice(0, 8)}`;
  const queued = new Map<string, RunTrigger>();
  const running = new Map<string, Running>();
  const debounces = new Map<string, TimerHandle>();
  const deferred = new Map<string, TimerHandle>();
  const nextDue = new Map<string, number>();
  const idleWaiters: Array<() => void> = [];
  let ticker: TimerHandle | undefined;
  let stopped = false;
  // CC's daily quota is the application's: once spent, no scheduled run is worth starting before it resets.
  let quotaResetsAt = 0;
  // Organizations whose CC authorization is gone: scheduled runs wait for a user to connect again.
  const needReconnect = new Set<string>();

  function checkIdle(): void {
    if (queued.size > 0 || running.size > 0 || debounces.size > 0) return;
    for (const resolve of idleWaiters.splice(0)) resolve();
  }

  function pump(): void {
    if (stopped) return;
    for (const [organizationId, trigger] of queued) {
      if (running.size >= settings.concurrency) break;
      if (running.has(organizationId)) continue;
      queued.delete(organizationId);
      start(organizationId, trigger);
    }
    checkIdle();
  }

  /** Asks again for a run deferred for budget once the budget is back; dropped only by stop or cancel. */
  function deferTo(organizationId: string, trigger: RunTrigger, until: Date): void {
    timers.clear(deferred.get(organizationId));
    const timer = timers.setTimeout(
      () => {
        deferred.delete(organizationId);
        scheduler.request(organizationId, trigger);
      },
      Math.max(0, until.getTime() - timers.now().getTime()),
    );
    timer.unref?.();
    deferred.set(organizationId, timer);
    logger.info({ organizationId, trigger, until }, 'CC budget spent; run deferred');
  }

  function start(organizationId: string, trigger: RunTrigger, gated = true): void {
    const controller = new AbortController();
    const done = execute(organizationId, trigger, controller, gated).finally(() => {
      running.delete(organizationId);
      pump();
    });
    running.set(organizationId, { controller, done });
  }

  async function execute(
    organizationId: string,
    trigger: RunTrigger,
    controller: AbortController,
    /** Queued work waits for CC's budget; a run asked for by hand (the CLI) goes and says what it met. */
    gated: boolean,
  ): Promise<SyncRun | null> {
    try {
      // Stopped before it began: nothing to cancel, and the lease stays free for the next process.
      if (controller.signal.aborted) return null;
      const deferUntil = gated
        ? await budgetDeferral(engine.cc.rateLimiter, trigger, settings.reserveShare, timers.now())
        : null;
      if (deferUntil) {
        deferTo(organizationId, trigger, deferUntil);
        return null;
      }
      const maxCalls = maxCallsFor(trigger, planning);
      const run = await executeRun(engine, organizationId, trigger, {
        owner: holder,
        lease: settings.lease,
        logger,
        controller,
        ...(maxCalls !== undefined ? { maxCalls } : {}),
        ...(runEnded ? { runEnded } : {}),
      });
      if (!run) {
        logger.info({ organizationId, trigger }, 'another process is running this organization; skipped');
        return null;
      }
      await planning?.runFinished(run);
      if (run.error?.code === 'CC_QUOTA_EXCEEDED') quotaResetsAt = nextUtcMidnight(timers.now()).getTime();
      if (run.error?.code === 'CC_NEEDS_RECONNECT') needReconnect.add(organizationId);
      return run;
    } catch (error) {
      logger.error({ err: error, organizationId, trigger }, 'sync run could not start');
      return null;
    }
  }

  let plannedAt = Number.NEGATIVE_INFINITY;
  async function tick(): Promise<void> {
    const now = timers.now().getTime();
    if (now < quotaResetsAt) return;
    if (planning) {
      // Asked more often, the planner would only read every organization's state again to grant nothing.
      if (now - plannedAt < settings.planEveryMs) return;
      plannedAt = now;
      for (const organizationId of await planning.due(timers.now())) {
        if (!needReconnect.has(organizationId)) scheduler.request(organizationId, 'schedule');
      }
      return;
    }
    const organizations = await repos.organizations.listSyncable();
    for (const organization of organizations) {
      if (needReconnect.has(organization.id)) continue;
      const due = nextDue.get(organization.id) ?? now + spreadOffset(organization.id, settings.intervalMs);
      if (due <= now) {
        scheduler.request(organization.id, 'schedule');
        nextDue.set(organization.id, now + settings.intervalMs);
      } else {
        nextDue.set(organization.id, due);
      }
    }
  }

  const scheduler: InProcessScheduler = {
    request(organizationId, trigger) {
      if (stopped) return;
      if (trigger === 'first_link') needReconnect.delete(organizationId);
      // A manual or first-link request outranks a scheduled one already waiting.
      // One waiting run per organization, asked for by the most urgent of its requests.
      const waiting = queued.get(organizationId);
      if (!waiting || PRIORITY_OF[trigger] <= PRIORITY_OF[waiting]) queued.set(organizationId, trigger);
      pump();
    },

    notify(organizationId) {
      if (stopped) return;
      timers.clear(debounces.get(organizationId));
      debounces.set(
        organizationId,
        timers.setTimeout(() => {
          debounces.delete(organizationId);
          scheduler.request(organizationId, 'notification');
        }, settings.debounceMs),
      );
    },

    async runNow(organizationId, trigger) {
      const current = running.get(organizationId);
      if (current && !stopped) await current.done;
      if (stopped) {
        throw new SchedulerStoppedError(
          'The connector is stopping and starts no new sync run; run it again once the connector is back.',
        );
      }
      queued.delete(organizationId);
      start(organizationId, trigger, false);
      return running.get(organizationId)!.done;
    },

    async cancel(organizationId) {
      queued.delete(organizationId);
      timers.clear(debounces.get(organizationId));
      debounces.delete(organizationId);
      timers.clear(deferred.get(organizationId));
      deferred.delete(organizationId);
      nextDue.delete(organizationId);
      const current = running.get(organizationId);
      if (current) {
        current.controller.abort();
        await current.done;
      }
      checkIdle();
    },

    start() {
      if (ticker) return;
      stopped = false;
      const safeTick = () => {
        // Apart from the schedule: a spent CC budget or a failing plan must not hold it back.
        housekeeping?.().catch((error: unknown) => logger.error({ err: error }, 'housekeeping failed'));
        return tick().catch((error: unknown) => logger.error({ err: error }, 'schedule tick failed'));
      };
      ticker = timers.setInterval(safeTick, settings.tickMs);
      ticker.unref?.();
      // The first look at the schedule comes at once, not a tick later.
      timers.setTimeout(safeTick, 0).unref?.();
    },

    async stop() {
      stopped = true;
      timers.clear(ticker);
      ticker = undefined;
      for (const timer of [...debounces.values(), ...deferred.values()]) timers.clear(timer);
      debounces.clear();
      deferred.clear();
      queued.clear();
      const reason = new RunCancelledError('The connector was stopping.');
      for (const current of running.values()) current.controller.abort(reason);
      await Promise.all([...running.values()].map((r) => r.done));
      checkIdle();
    },

    needsReconnect(organizationId) {
      return needReconnect.has(organizationId);
    },

    async queueDepth() {
      const depth: Record<string, number> = {};
      for (const trigger of queued.values()) {
        const name = PRIORITY_NAMES[PRIORITY_OF[trigger]] ?? trigger;
        depth[name] = (depth[name] ?? 0) + 1;
      }
      return depth;
    },

    idle() {
      return new Promise((resolve) => {
        idleWaiters.push(resolve);
        checkIdle();
      });
    },
  };
  return scheduler;
}
