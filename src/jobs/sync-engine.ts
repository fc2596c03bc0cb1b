import type { AlertNotices } from '../alerts/alert-monitor.ts';
import type { Config } from '../config/config.ts';
import { ConnecClient } from '../connec/connec-client.ts';
import { createCcBudgetLimiter } from '../constantcontact/budget-limiter.ts';
import { ConstantContactClient } from '../constantcontact/client.ts';
import { createTokenEndpointLimiter } from '../constantcontact/token-endpoint-limiter.ts';
import type { AdvisoryLocks } from '../db/advisory-locks.ts';
import { organizationTokenStore } from '../db/cc-token-store.ts';
import type { Repositories } from '../db/repositories/index.ts';
import { ConnectorError } from '../errors.ts';
import { lifecycleDeps, settleExpiredLinks } from '../lifecycle/organization-lifecycle.ts';
import type { Logger } from '../logger.ts';
import type { ConnectorMetrics } from '../metrics/connector-metrics.ts';
import type { SyncRun } from '../model/sync-run.ts';
import type { SharedRedis } from '../redis/redis-connection.ts';
import type { SyncEngineDeps } from '../sync/run-sync.ts';
import { DEFAULT_SYNC_OPTIONS, type SyncOptions } from '../sync/sync-context.ts';
import { budgetAwarePlanning, DEFAULT_POLL_COST } from './budget-aware-planning.ts';
import { createInProcessScheduler, type InProcessSchedulerOptions } from './in-process-scheduler.ts';
import { createQueueScheduler, type QueueSchedulerOptions } from './queue-scheduler.ts';
import type { SyncScheduler } from './sync-scheduler.ts';

export class TenantUnknownError extends ConnectorError {
  readonly code = 'TENANT_UNKNOWN';
  override readonly httpStatus = 404;
}

export class CcNotConfiguredError extends ConnectorError {
  readonly code = 'CC_NOT_CONFIGURED';
  override readonly httpStatus = 503;
}

export interface SyncServices {
  /** Null until CC_CLIENT_ID and CC_CLIENT_SECRET are set: nothing can be linked or synced without them. */
  cc: ConstantContactClient | null;
  engine: SyncEngineDeps | null;
  /** In-process in embedded mode; on the shared queue in scale-out mode. */
  scheduler: SyncScheduler | null;
}

/** The CC client, the sync engine's dependencies and the scheduler, built from configuration. */
export function createSyncServices(
  config: Config,
  repos: Repositories,
  logger: Logger,
  overrides: {
    sync?: Partial<SyncOptions>;
    scheduler?: Partial<InProcessSchedulerOptions>;
    queue?: Partial<QueueSchedulerOptions>;
    now?: () => Date;
  } = {},
  shared: {
    /** Scale-out mode: the shared Redis (the queue and the CC budget live there). */
    redis?: SharedRedis | null;
    /** PostgreSQL's advisory locks, so processes refresh an organization's token one at a time. */
    advisoryLocks?: AdvisoryLocks | null;
    /** Counts CC calls, token refreshes, runs and CC-to-hub lag; none when absent. */
    metrics?: ConnectorMetrics;
    /** Checks an organization's alert emails after each of its runs. */
    alerts?: AlertNotices;
  } = {},
): SyncServices {
  const { redis, advisoryLocks, metrics, alerts } = shared;
  const runEnded = alerts ? (run: SyncRun) => alerts.notice(run.organizationId) : undefined;
  const { clientId, clientSecret, redirectUri, apiBaseUrl, authBaseUrl } = config.constantContact;
  if (!clientId || !clientSecret) {
    logger.warn('CC_CLIENT_ID and CC_CLIENT_SECRET are not set: organizations cannot link Constant Contact.');
    return { cc: null, engine: null, scheduler: null };
  }
  const cc = new ConstantContactClient({
    config: { clientId, clientSecret, redirectUri, apiBaseUrl, authBaseUrl },
    tokenStore: organizationTokenStore(repos.organizations, overrides.now, advisoryLocks ?? undefined),
    rateLimiter: createCcBudgetLimiter(config.ccBudget, { redis: config.scaleOut ? redis : null, logger }),
    tokenRateLimiter: createTokenEndpointLimiter({ redis: config.scaleOut ? redis : null, logger }),
    logger,
    ...(metrics ? { metrics, onTokenRefresh: (outcome) => metrics.tokenRefreshed(outcome) } : {}),
  });
  const tenants = new Map(config.tenants.map((t) => [t.id, t]));
  const engine: SyncEngineDeps = {
    repos,
    cc,
    connecFor(organization, signal) {
      const tenant = tenants.get(organization.tenant);
      if (!tenant) {
        throw new TenantUnknownError(
          `Organization ${organization.groupUid} belongs to tenant "${organization.tenant}", which TENANTS_FILE does not list.`,
        );
      }
      return new ConnecClient({ tenant, groupId: organization.groupUid, ...(signal ? { signal } : {}) });
    },
    now: overrides.now ?? (() => new Date()),
    logger,
    options: { ...DEFAULT_SYNC_OPTIONS, ...overrides.sync },
    ...(metrics ? { metrics } : {}),
  };
  // Polls are planned within CC's shared daily budget; the scheduler, made below, tells what waits.
  let scheduler: SyncScheduler | null = null;
  const planning = budgetAwarePlanning({
    repos,
    budget: cc.rateLimiter,
    reserveShare: config.ccBudget.priorityReserve,
    bounds: config.polling,
    queueDepth: async () => (scheduler ? scheduler.queueDepth() : {}),
    cost: { ...DEFAULT_POLL_COST, chunkCalls: config.ccBudget.chunkCalls },
    now: engine.now,
  });
  // Confirmations nobody answered give their authorization back to the account's holder.
  const housekeeping = () => settleExpiredLinks(lifecycleDeps({ repos, scheduler, logger, cc }));
  if (!config.scaleOut || !redis) {
    scheduler = createInProcessScheduler(
      engine,
      {
        reserveShare: config.ccBudget.priorityReserve,
        ...overrides.scheduler,
        ...(runEnded ? { runEnded } : {}),
        housekeeping,
      },
      planning,
    );
    return { cc, engine, scheduler };
  }
  const works = config.scaleOut.role !== 'web';
  scheduler = createQueueScheduler({
    redis,
    repos,
    logger,
    budget: { reading: cc.rateLimiter, reserveShare: config.ccBudget.priorityReserve },
    ...(works ? { engine, planning, housekeeping } : {}),
    ...(overrides.queue ? { options: overrides.queue } : {}),
    ...(runEnded ? { runEnded } : {}),
  });
  return { cc, engine, scheduler };
}
