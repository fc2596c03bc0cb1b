import { createHmac } from 'node:crypto';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import type { AlertNotices } from '../alerts/alert-monitor.ts';
import type { Config } from '../config/config.ts';
import type { ConstantContactClient } from '../constantcontact/client.ts';
import type { Store } from '../db/database.ts';
import type { Repositories } from '../db/repositories/index.ts';
import type { SyncScheduler } from '../jobs/sync-scheduler.ts';
import type { Logger } from '../logger.ts';
import { ConnectorMetrics } from '../metrics/connector-metrics.ts';
import type { SharedRedis } from '../redis/redis-connection.ts';
import type { WebContext } from './context.ts';
import { installErrorHandler } from './error-handler.ts';
import { accountWebhooks } from './routes/account-webhooks.ts';
import { assetRoutes } from './routes/assets.ts';
import { ccOAuthRoutes } from './routes/cc-oauth.ts';
import { healthRoutes } from './routes/health.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { organizationActions } from './routes/organization-actions.ts';
import { organizationPages } from './routes/organization-pages.ts';
import { platformNotifications } from './routes/platform-notifications.ts';
import { signOutRoutes } from './routes/sign-out.ts';
import { ssoRoutes } from './routes/sso.ts';
import { installCsrfProtection } from './session/csrf.ts';
import { installSessions } from './session/session.ts';
import { MemorySharedState } from './shared-state/memory-shared-state.ts';
import { RedisSharedState } from './shared-state/redis-shared-state.ts';

export interface AppDependencies {
  config: Config;
  store: Store;
  repositories: Repositories;
  logger: Logger;
  /** The CC client and scheduler; absent (or null inside) until Constant Contact credentials are set. */
  sync?: { cc: ConstantContactClient | null; scheduler: SyncScheduler | null };
  /** The key tokens are encrypted with; the session secret derives from it when SESSION_SECRET is unset. */
  encryptionKey?: string;
  /**
   * Scale-out mode: the deployment's Redis, where SAML request ids and login rate limits are kept so any
   * web process can serve any request. Absent: this process's memory (embedded).
   */
  /** The process's metrics, served at /metrics; a fresh set when absent (tests). */
  metrics?: ConnectorMetrics;
  redis?: SharedRedis | null;
  /** The alert emails, told when a link changes; none when absent. */
  alerts?: AlertNotices;
  now?: () => Date;
}

/**
 * The cookie signing secret: SESSION_SECRET, or one derived from the encryption key (every process of a
 * deployment already shares that key), or, for an app built without either (tests), a fixed development
 * value.
 */
function sessionSecret(deps: AppDependencies): string {
  if (deps.config.web.sessionSecret) return deps.config.web.sessionSecret;
  const key = deps.encryptionKey ?? 'development-only-session-key';
  return createHmac('sha256', key).update('connector session cookie v1').digest('base64url');
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/** Fastify's form of TRUST_PROXY: a hop count becomes a test on the hop, addresses are passed on. */
function trustedProxies(setting: false | number | string[]) {
  if (typeof setting === 'number') return (_address: string, hop: number) => hop < setting;
  return setting;
}

/** Builds the web app without listening, so tests drive it with `app.inject()`. */
export async function buildApp(deps: AppDependencies) {
  // Typed as Fastify's logger so plugins written against the default instance type accept this app.
  // Only the proxies the operator names may say who the client is (rate limits and logs use it).
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    trustProxy: trustedProxies(deps.config.server.trustProxy),
  });
  const now = deps.now ?? (() => new Date());
  const ctx: WebContext = {
    config: deps.config,
    store: deps.store,
    repos: deps.repositories,
    logger: deps.logger,
    cc: deps.sync?.cc ?? null,
    scheduler: deps.sync?.scheduler ?? null,
    session: {
      secure: deps.config.server.publicUrl.startsWith('https://'),
      signedOut: (sid) => deps.repositories.spentTokens.isSpent('session', sid),
    },
    sharedState: deps.redis ? new RedisSharedState(deps.redis) : new MemorySharedState(() => now().getTime()),
    alerts: deps.alerts ?? null,
    now,
  };

  installErrorHandler(app);
  await app.register(cookie, { secret: sessionSecret(deps) });
  await app.register(formbody);
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        // The Connect form redirects to Constant Contact's authorize page; form-action covers redirects.
        formAction: ["'self'", originOf(deps.config.constantContact.authBaseUrl)],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: ctx.session.secure ? [] : null,
      },
    },
    // The platform's IdP posts the SAML Response from its own origin.
    crossOriginOpenerPolicy: { policy: 'same-origin-allow-popups' },
  });
  await app.register(rateLimit, { global: false, ...ctx.sharedState.rateLimitOptions() });
  installSessions(app, ctx.session);
  // Pages and answers carry contact data and per-user state: no browser or proxy keeps a copy. Static
  // assets say otherwise for themselves.
  app.addHook('onSend', async (_req, reply) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });
  installCsrfProtection(app);

  await app.register(healthRoutes, { store: deps.store, redis: deps.redis ?? null });
  await app.register(metricsRoutes, {
    metrics: deps.metrics ?? new ConnectorMetrics({ logger: deps.logger }),
  });
  await app.register(assetRoutes);
  await app.register(ssoRoutes, { ctx });
  await app.register(signOutRoutes, { ctx });
  await app.register(ccOAuthRoutes, { ctx });
  await app.register(organizationPages, { ctx });
  await app.register(organizationActions, { ctx });
  await app.register(platformNotifications, { ctx });
  await app.register(accountWebhooks, { ctx });
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
