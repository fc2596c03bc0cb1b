import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import type { GroupRole } from '../../sandbox/platform/directory.ts';
import type { SamlSigning } from '../../sandbox/platform/platform-knobs.ts';
import {
  type AuthnRequestInfo,
  buildSignedResponse,
  parseRedirectAuthnRequest,
} from '../../sandbox/platform/saml-idp.ts';
import {
  createSigningIdentity,
  type SigningIdentity,
} from '../../sandbox/platform/self-signed-certificate.ts';
import { type Config, loadConfig } from '../../src/config/config.ts';
import type { Tenant } from '../../src/config/tenants.ts';
import type { ConstantContactClient } from '../../src/constantcontact/client.ts';
import { createRepositories, type Repositories } from '../../src/db/repositories/index.ts';
import type { SyncScheduler } from '../../src/jobs/sync-scheduler.ts';
import { createLogger } from '../../src/logger.ts';
import type { RunTrigger } from '../../src/model/sync-run.ts';
import { type App, buildApp } from '../../src/web/app.ts';
import { createTestDatabase, type TestDatabase } from './databases.ts';
import { testSamlSigning } from './platform-emulator.ts';

export const PUBLIC_URL = 'http://connector.test';

/**
 * Records what the web app asks of the scheduler. The web tests check the app's side of the contract
 * (which organization, which trigger); the real scheduler runs in the browser tests.
 */
export class RecordingScheduler implements SyncScheduler {
  readonly calls: { method: string; organizationId: string; trigger?: RunTrigger }[] = [];
  request(organizationId: string, trigger: RunTrigger): void {
    this.calls.push({ method: 'request', organizationId, trigger });
  }
  notify(organizationId: string): void {
    this.calls.push({ method: 'notify', organizationId });
  }
  async runNow(organizationId: string, trigger: RunTrigger) {
    this.calls.push({ method: 'runNow', organizationId, trigger });
    return null;
  }
  async cancel(organizationId: string): Promise<void> {
    this.calls.push({ method: 'cancel', organizationId });
  }
  start(): void {}
  async stop(): Promise<void> {}
  async idle(): Promise<void> {}
  async queueDepth(): Promise<Record<string, number>> {
    return {};
  }
}

export interface SignInAs {
  uid?: string;
  email?: string;
  groupUid?: string;
  groupName?: string;
  role?: GroupRole;
}

export interface WebTestApp {
  app: App;
  repos: Repositories;
  db: TestDatabase;
  tenant: Tenant;
  idp: SigningIdentity;
  scheduler: RecordingScheduler;
  /** GET init and read the AuthnRequest the connector sent to the IdP. */
  startSignIn(tenantId?: string): Promise<AuthnRequestInfo>;
  /** What `samlResponse` signs unless told otherwise. */
  signing: SamlSigning;
  /** A base64 SAML Response for a request, signed by `signer` (default: the tenant's IdP) as `signing` says. */
  samlResponse(
    request: AuthnRequestInfo,
    as?: SignInAs,
    options?: { signer?: SigningIdentity; now?: Date; audience?: string; signing?: SamlSigning },
  ): string;
  consume(samlResponse: string, relayState?: string, tenantId?: string): Promise<LightMyRequestResponse>;
  /** Signs in through SSO and returns the session cookie and the organization page path. */
  signIn(as?: SignInAs): Promise<{ cookie: string; location: string }>;
  /** Stops the app and starts another over the same database, as a restart would (memory is lost). */
  restart(): Promise<void>;
  /** A second web process over the same database, running beside this one; closed with it. */
  anotherProcess(): Promise<App>;
  close(): Promise<void>;
}

export const auth = (tenant: Pick<Tenant, 'apiId' | 'apiKey'>) =>
  `Basic ${Buffer.from(`${tenant.apiId}:${tenant.apiKey}`).toString('base64')}`;

export interface WebTestAppOptions {
  /** More settings, e.g. Constant Contact credentials and URLs pointing at an emulator. */
  env?: Record<string, string>;
  /** The Constant Contact client the app links accounts with; none (not configured) by default. */
  cc?: (config: Config, repos: Repositories) => ConstantContactClient;
  /** What the IdP signs (default: `TEST_SAML_SIGNING`, else both). */
  signing?: SamlSigning;
}

/** The web app over a fresh SQLite database, one tenant whose IdP is a key pair made here. */
export async function startWebTestApp(options: WebTestAppOptions = {}): Promise<WebTestApp> {
  const signing = options.signing ?? testSamlSigning();
  const idp = createSigningIdentity('Test IdP');
  const tenant: Tenant = {
    id: 'acme',
    apiId: 'acme-api-id',
    apiKey: 'acme-api-key',
    connecHost: 'http://127.0.0.1:9',
    idpSsoUrl: 'http://idp.test/saml/acme/sso',
    idpCertificate: idp.certificatePem,
    dashboardUrl: 'http://idp.test/dashboard',
  };
  const config = {
    ...loadConfig({
      PUBLIC_URL,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'web-')),
      LOG_LEVEL: 'silent',
      ...options.env,
    }),
    tenants: [tenant],
  };
  const db = await createTestDatabase('sqlite');
  const repos = createRepositories(db.store.db, db.cipher);
  const scheduler = new RecordingScheduler();
  const build = () =>
    buildApp({
      config,
      store: db.store,
      repositories: repos,
      logger: createLogger('silent'),
      sync: { cc: options.cc ? options.cc(config, repos) : null, scheduler },
    });
  let built = await build();
  const others: App[] = [];

  const startSignIn = async (tenantId = tenant.id) => {
    const response = await built.inject({
      method: 'GET',
      url: `/maestrano/auth/saml/init/${tenantId}?group_id=cld-1`,
    });
    const location = new URL(response.headers.location as string);
    return parseRedirectAuthnRequest(location.searchParams.get('SAMLRequest')!);
  };
  const samlResponse: WebTestApp['samlResponse'] = (request, as = {}, options = {}) => {
    const signer = options.signer ?? idp;
    const xml = buildSignedResponse({
      issuer: 'http://idp.test/saml/acme',
      request: options.audience ? { ...request, issuer: options.audience } : request,
      subject: {
        user: {
          uid: as.uid ?? 'usr-1',
          email: as.email ?? 'ann@example.com',
          password: '',
          name: 'Ann',
          surname: 'Admin',
          country: 'US',
          companyName: 'Ann Bakery LLC',
        },
        organization: {
          uid: as.groupUid ?? 'cld-1',
          channelId: `org-${as.groupUid ?? 'cld-1'}`,
          tenant: tenant.id,
          name: as.groupName ?? 'Ann Bakery',
          email: 'shop@example.com',
          currency: 'USD',
          timezone: 'UTC',
          country: 'US',
          city: 'Austin',
          freeTrialEndsAt: '2030-01-01T00:00:00.000Z',
          hasCreditCard: false,
          apps: [],
          members: [],
          deleted: false,
        },
        role: as.role ?? 'Admin',
        sessionId: 'session-1',
      },
      now: options.now ?? new Date(),
      privateKeyPem: signer.privateKeyPem,
      certificatePem: signer.certificatePem,
      signing: options.signing ?? signing,
    });
    return Buffer.from(xml).toString('base64');
  };
  const consume = (saml: string, relayState?: string, tenantId = tenant.id) =>
    built.inject({
      method: 'POST',
      url: `/maestrano/auth/saml/consume/${tenantId}`,
      payload: new URLSearchParams({
        SAMLResponse: saml,
        ...(relayState ? { RelayState: relayState } : {}),
      }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  return {
    get app() {
      return built;
    },
    repos,
    db,
    tenant,
    idp,
    signing,
    scheduler,
    startSignIn,
    samlResponse,
    consume,
    async signIn(as = {}) {
      const response = await consume(samlResponse(await startSignIn(), as));
      if (response.statusCode !== 303)
        throw new Error(`sign-in answered ${response.statusCode}: ${response.body}`);
      const cookie = (response.cookies as { name: string; value: string }[]).find(
        (c) => c.name === 'connector_session',
      )!;
      return { cookie: `connector_session=${cookie.value}`, location: response.headers.location as string };
    },
    async restart() {
      await built.close();
      built = await build();
    },
    async anotherProcess() {
      const other = await build();
      others.push(other);
      return other;
    },
    async close() {
      for (const other of others) await other.close();
      await built.close();
      await db.drop();
    },
  };
}
