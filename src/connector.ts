import { type AlertMonitor, alertsFromConfig } from './alerts/alert-monitor.ts';
import type { Config } from './config/config.ts';
import { openStore, type Store } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { createRepositories, type Repositories } from './db/repositories/index.ts';
import { createSyncServices, type SyncServices } from './jobs/sync-engine.ts';
import type { Logger } from './logger.ts';
import { ConnectorMetrics } from './metrics/connector-metrics.ts';
import { databaseFleetReading } from './metrics/fleet-summary.ts';
import { budgetReadingOf } from './metrics/readings.ts';
import { openRedis, type SharedRedis } from './redis/redis-connection.ts';
import { loadOrCreateKeyFile } from './security/encryption-key-file.ts';
import { TokenCipher } from './security/token-cipher.ts';
import { type App, buildApp } from './web/app.ts';

export interface Connector {
  config: Config;
  app: App;
  store: Store;
  repositories: Repositories;
  /** The CC client, sync engine and scheduler; all null until CC credentials are configured. */
  sync: SyncServices;
  /** Scale-out mode's shared Redis; null in embedded mode. */
  redis: SharedRedis | null;
  /** This process's metrics (served at /metrics). */
  metrics: ConnectorMetrics;
  /** Alert emails to organizations' admins; off (doing nothing) when SMTP_URL is unset. */
  alerts: AlertMonitor;
  logger: Logger;
  close(): Promise<void>;
}

/** The cipher for tokens at rest: the configured key, or in the embedded default a key kept in DATA_DIR. */
export function createCipher(config: Config, logger: Logger): TokenCipher {
  const current = config.encryption.current ?? loadOrCreateKeyFile(config.dataDir, logger);
  return new TokenCipher(current, config.encryption.previous);
}

/** Opens and migrates the database and builds the app, without listening. */
export async function createConnector(
  config: Config,
  logger: Logger,
  /** Shorter debounce and intervals for tests and the in-process demo. */
  overrides: Parameters<typeof createSyncServices>[3] = {},
): Promise<Connector> {
  const cipher = createCipher(config, logger);
  const store = openStore(config.database, (error) =>
    logger.warn({ err: error }, 'PostgreSQL closed an idle connection; the next query opens another'),
  );
  // Scale-out: what the web processes must share (SAML ids, login rate limits).
  const redis = config.scaleOut ? openRedis(config.scaleOut.redisUrl, config.scaleOut.keyPrefix) : null;
  try {
    const applied = await migrateToLatest(store.db);
    if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
    const repositories = createRepositories(store.db, cipher);
    const metrics = new ConnectorMetrics({ logger, processMetrics: true });
    const alerts = alertsFromConfig(config, repositories, logger, overrides.now);
    const sync = createSyncServices(config, repositories, logger, overrides, {
      redis,
      advisoryLocks: store.advisoryLocks,
      metrics,
      alerts,
    });
    const budget = sync.cc ? budgetReadingOf(sync.cc.rateLimiter, config.ccBudget.perDay) : null;
    if (budget) metrics.readBudgetFrom(budget);
    const scheduler = sync.scheduler;
    metrics.readFleetFrom(
      databaseFleetReading(
        repositories.fleet,
        config.polling.maxMs,
        scheduler ? { queueDepth: () => scheduler.queueDepth() } : {},
      ),
    );
    // Read again (the file exists by now) so the session secret can derive from it.
    const encryptionKey = config.encryption.current ?? loadOrCreateKeyFile(config.dataDir, logger);
    const app = await buildApp({
      config,
      store,
      repositories,
      logger,
      sync,
      encryptionKey,
      redis,
      metrics,
      alerts,
    });
    return {
      config,
      app,
      store,
      repositories,
      sync,
      redis,
      metrics,
      alerts,
      logger,
      async close() {
        await sync.scheduler?.stop();
        await app.close();
        await sync.scheduler?.close?.();
        // After the runs and requests: the checks they started finish before the database closes.
        await alerts.stop();
        await redis?.close();
        await store.close();
      },
    };
  } catch (error) {
    await redis?.close();
    await store.close();
    throw error;
  }
}
