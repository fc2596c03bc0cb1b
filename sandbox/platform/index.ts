import formbody from '@fastify/formbody';
import Fastify, { type FastifyError } from 'fastify';
import type { Tenant } from '../../src/config/tenants.ts';
import { type Clock, systemClock } from '../shared/clock.ts';
import { installTestKnobs, RequestLog } from '../shared/test-knobs.ts';
import { AccountEvents } from './account-events.ts';
import { registerBatchRoute } from './batch-route.ts';
import { registerDashboardRoutes } from './dashboard-routes.ts';
import { DEFAULT_RETRY_POLICY, Deliverer, type Delivery, type RetryPolicy } from './delivery.ts';
import { Directory } from './directory.ts';
import { HubApi, type HubResponse, notifiesConnector } from './hub-api.ts';
import { registerHubRoutes } from './hub-routes.ts';
import { type HubCollection, HubStore } from './hub-store.ts';
import { registerIdpRoutes } from './idp-routes.ts';
import { marketplaceConfig, registerMarketplacesRoute } from './marketplaces-route.ts';
import { DEFAULT_NOTIFIER_OPTIONS, Notifier, type NotifierOptions } from './notifier.ts';
import { OtherApps } from './other-apps.ts';
import { registerOtherAppsRoutes } from './other-apps-routes.ts';
import {
  checkPlatformKnobs,
  defaultPlatformKnobs,
  PlatformKnobError,
  type PlatformKnobs,
} from './platform-knobs.ts';
import { applySeed, type PlatformSeed } from './seed.ts';
import { createSigningIdentity } from './self-signed-certificate.ts';
import { Sessions } from './sessions.ts';
import { registerVersionRoute } from './version-route.ts';

export type { Delivery } from './delivery.ts';
export type { HubResponse } from './hub-api.ts';
export type { HubCollection } from './hub-store.ts';
export {
  defaultPlatformKnobs,
  type PlatformKnobs,
  SAML_SIGNING_MODES,
  type SamlSigning,
} from './platform-knobs.ts';
export type { HubRecordSeed, OrganizationSeed, PlatformSeed, TenantSeed, UserSeed } from './seed.ts';

export interface PlatformEmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  seed: PlatformSeed;
  /** Where notifications and account webhooks go; can be set later with `emulator.connectorUrl = ...`. */
  connectorUrl?: string;
  clock?: Clock;
  /** Starting knobs; the others take `defaultPlatformKnobs`. A wrong value throws PlatformKnobError. */
  knobs?: Partial<PlatformKnobs>;
  /** Makes injected faults deterministic in tests. */
  random?: () => number;
  notifications?: Partial<NotifierOptions>;
  /** Back-off of notifications and account webhooks; tests use a few milliseconds. */
  retry?: Partial<RetryPolicy>;
  logger?: boolean;
  /**
   * Collections served beside people, organizations, employees and company, with the rules every record
   * follows and no field checks (for tests of a mapping added to the connector).
   */
  extraCollections?: readonly string[];
}

/** Acting as another app of an organization: every change is notified to the connector. */
export interface AppActor {
  create(collection: HubCollection, record: Record<string, unknown>): Record<string, unknown>;
  update(
    collection: HubCollection,
    connecId: string,
    changes: Record<string, unknown>,
  ): Record<string, unknown>;
  updateCompany(changes: Record<string, unknown>): Record<string, unknown>;
}

export interface PlatformEmulator {
  readonly url: string;
  /** The connector's base URL, e.g. `http://127.0.0.1:3000`; pending deliveries leave once it is set. */
  connectorUrl: string | null;
  /** Faults, and the behaviours the real platform leaves unknown; mutable while the emulator runs. */
  readonly knobs: PlatformKnobs;
  readonly requestLog: RequestLog;
  /** The IdP's signing certificate (PEM), as a connector is configured with. */
  readonly idpCertificate: string;
  /** Every notification and account webhook sent to the connector, with its attempts. */
  readonly deliveries: readonly Delivery[];
  /** A tenant as the connector configures it (`Tenant` of src/config/tenants.ts). */
  tenant(id: string): Tenant;
  tenants(): Tenant[];
  actAs(app: string, groupId: string): AppActor;
  /** The hub's records of a group as the connector would read them (with id arrays). */
  records(groupId: string, collection: HubCollection): Record<string, unknown>[];
  deleteOrganization(groupUid: string): void;
  removeMember(groupUid: string, userUid: string): void;
  /** Sends buffered notifications now and waits until every delivery is done or has given up. */
  settleDeliveries(): Promise<void>;
  close(): Promise<void>;
}

/** Thrown by `actAs` when the hub refuses a write; carries the hub's answer. */
export class HubWriteRefused extends Error {
  constructor(readonly response: HubResponse) {
    super(`hub answered ${response.status}: ${JSON.stringify(response.body)}`);
  }
}

/**
 * Starts the platform emulator in this process: dashboard, SAML IdP, marketplace configuration, Connec! API,
 * other apps, notifications and account webhooks. Resolves once it listens.
 */
export async function startPlatformEmulator(options: PlatformEmulatorOptions): Promise<PlatformEmulator> {
  const clock = options.clock ?? systemClock;
  const knobs: PlatformKnobs = { ...defaultPlatformKnobs, ...checkPlatformKnobs(options.knobs ?? {}) };
  const requestLog = new RequestLog();
  const identity = createSigningIdentity('Platform sandbox IdP', clock.now());
  const directory = new Directory();
  // Connec!'s own ids carry the organization's channel id as realm; an unknown group keeps its own id.
  const store = new HubStore(
    clock,
    (groupId) => directory.channelIdOf(groupId) ?? groupId,
    options.extraCollections ?? [],
  );
  const sessions = new Sessions();
  let baseUrl = '';

  const deliverer = new Deliverer({
    clock,
    policy: { ...DEFAULT_RETRY_POLICY, ...options.retry },
    credentials: (tenantId) => {
      const tenant = directory.tenants.get(tenantId);
      if (!tenant) throw new Error(`no tenant ${tenantId}`);
      return tenant;
    },
  });
  deliverer.connectorUrl = options.connectorUrl ?? null;
  const notifier = new Notifier(deliverer, { ...DEFAULT_NOTIFIER_OPTIONS, ...options.notifications });
  const hub = new HubApi({
    store,
    directory,
    baseUrl: () => baseUrl,
    onChange: (tenant, record, actor) => {
      if (notifiesConnector(directory, tenant, record.groupId, actor, knobs.notifyOwnWrites)) {
        notifier.notify(tenant.id, record.collection, store.render(record), record.connecId);
      }
    },
  });
  const otherApps = new OtherApps(hub, directory);
  const accountEvents = new AccountEvents(directory, deliverer);
  applySeed(options.seed, directory, store, otherApps, clock.now());

  const app = Fastify({ logger: options.logger ?? false });
  await app.register(formbody);
  // Connec! takes JSON:API's media type as plain JSON.
  app.addContentTypeParser(
    'application/vnd.api+json',
    { parseAs: 'string' },
    app.getDefaultJsonParser('error', 'error'),
  );
  // Pages and the sandbox's own control API stay reliable while the knobs make the APIs misbehave.
  const isControl = (url: string) =>
    url.startsWith('/sandbox/') || url.startsWith('/dashboard') || url === '/';
  installTestKnobs(app, knobs, requestLog, {
    now: () => clock.now(),
    ...(options.random ? { random: options.random } : {}),
    skip: (req) => isControl(req.url),
  });
  app.setErrorHandler((error: FastifyError, _req, reply) => {
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    reply.code(status).send({
      errors: [
        {
          code: status,
          status: status === 500 ? 'Internal Server Error' : 'Bad Request',
          detail: error.message,
        },
      ],
    });
  });

  const connectorUrl = () => deliverer.connectorUrl;
  registerHubRoutes(app, hub, directory);
  registerVersionRoute(app);
  registerBatchRoute(app, hub, directory);
  registerMarketplacesRoute(app, directory, (tenant) =>
    marketplaceConfig(tenant, baseUrl, identity.certificatePem),
  );
  registerIdpRoutes(app, {
    directory,
    sessions,
    identity,
    clock,
    baseUrl: () => baseUrl,
    connectorUrl,
    signing: () => knobs.samlSigning,
  });
  registerDashboardRoutes(app, { directory, sessions, accountEvents, connectorUrl });
  registerOtherAppsRoutes(app, { apps: otherApps, store, directory, sessions });

  app.get('/sandbox/knobs', async () => knobs);
  app.put('/sandbox/knobs', async (req, reply) => {
    try {
      Object.assign(knobs, checkPlatformKnobs(req.body));
    } catch (error) {
      if (!(error instanceof PlatformKnobError)) throw error;
      return reply.code(400).send({ error: { code: error.code, message: error.message } });
    }
    return knobs;
  });
  app.get('/sandbox/requests', async () => ({
    counts: requestLog.countByEndpoint(),
    entries: requestLog.entries,
  }));
  app.get('/sandbox/deliveries', async () => ({ deliveries: deliverer.log }));
  app.put<{ Body: { url?: string } }>('/sandbox/connector-url', async (req, reply) => {
    const url = req.body?.url;
    if (typeof url !== 'string' || !/^https?:\/\//.test(url))
      return reply.code(400).send({ error: 'body must be {"url": "http://..."}' });
    deliverer.connectorUrl = url;
    return { connectorUrl: deliverer.connectorUrl };
  });

  const address = await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  baseUrl = address.replace('://[::1]', '://localhost');

  const tenantConfig = (id: string): Tenant => {
    const tenant = directory.tenants.get(id);
    if (!tenant) throw new Error(`no tenant ${id}`);
    return marketplaceConfig(tenant, baseUrl, identity.certificatePem);
  };
  const written = (response: HubResponse, collection: HubCollection) => {
    if (response.status >= 300) throw new HubWriteRefused(response);
    return (response.body as Record<string, Record<string, unknown>>)[collection]!;
  };

  return {
    url: baseUrl,
    get connectorUrl() {
      return deliverer.connectorUrl;
    },
    set connectorUrl(url: string | null) {
      deliverer.connectorUrl = url;
    },
    knobs,
    requestLog,
    idpCertificate: identity.certificatePem,
    deliveries: deliverer.log,
    tenant: tenantConfig,
    tenants: () => [...directory.tenants.keys()].map(tenantConfig),
    actAs: (appName, groupId) => ({
      create: (collection, record) =>
        written(otherApps.write({ app: appName, groupId, collection, record }), collection),
      update: (collection, connecId, changes) =>
        written(
          otherApps.write({ app: appName, groupId, collection, record: changes, connecId }),
          collection,
        ),
      updateCompany: (changes) =>
        written(
          otherApps.write({ app: appName, groupId, collection: 'company', record: changes }),
          'company',
        ),
    }),
    records: (groupId, collection) => store.list(groupId, collection).map((r) => store.render(r)),
    deleteOrganization: (uid) => accountEvents.deleteOrganization(uid),
    removeMember: (uid, userUid) => accountEvents.removeMember(uid, userUid),
    settleDeliveries: async () => {
      notifier.flush();
      await deliverer.whenIdle();
    },
    close: async () => {
      notifier.close();
      deliverer.close();
      await app.close();
    },
  };
}
