import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  type CcEmulator,
  type CcKnobs,
  startConstantContactEmulator,
} from '../../sandbox/constantcontact/index.ts';
import { buildDemoSeed, DEMO_TENANT, type DemoSeed } from '../../sandbox/demo-seed.ts';
import { type PlatformEmulator, startPlatformEmulator } from '../../sandbox/platform/index.ts';
import type { Config } from '../config/config.ts';
import { type Connector, createConnector } from '../connector.ts';
import type { Logger } from '../logger.ts';

export interface DemoOptions {
  config: Config;
  logger: Logger;
  /** Where the facts go; default `DATA_DIR/sandbox.json`; null writes nothing. */
  sandboxFile?: string | null;
  /** Passed to the connector (tests shorten the scheduler's debounce). */
  overrides?: Parameters<typeof createConnector>[2];
  /** How long each step of a CC bulk activity takes (default 1 s, as `npm run sandbox`). */
  activityStepMs?: number;
  /** The CC emulator's readings of what CC does not document (tests run the demo under each). */
  ccKnobs?: Partial<CcKnobs>;
  /** Speeds the emulators' notifications up in tests. */
  platformOptions?: Partial<Parameters<typeof startPlatformEmulator>[0]>;
}

export interface Demo {
  connector: Connector;
  platform: PlatformEmulator;
  cc: CcEmulator;
  connectorUrl: string;
  seed: DemoSeed;
  close(): Promise<void>;
}

/** `npm start` with no configuration: when there are no tenants and no Constant Contact application. */
export function isDemoConfig(config: Config): boolean {
  return !config.tenantsFile && !config.constantContact.clientId;
}

/**
 * The whole product on one machine: both emulators seeded with the demo data, and the connector
 * configured from them (the platform's tenant, the CC emulator's application and URLs), listening on
 * PORT with the scheduler running. State of the emulators is in memory; the connector's is in its
 * database as usual.
 */
export async function startDemo(options: DemoOptions): Promise<Demo> {
  const { config, logger } = options;
  const connectorUrl = config.server.publicUrl;
  const seed = buildDemoSeed({ connectorUrl, organizations: config.demo.organizations });
  const platform = await startPlatformEmulator({
    port: config.demo.platformPort,
    host: '127.0.0.1',
    seed: seed.platform,
    connectorUrl,
    ...options.platformOptions,
  });
  let cc: CcEmulator | undefined;
  let connector: Connector | undefined;
  try {
    cc = await startConstantContactEmulator({
      port: config.demo.ccPort,
      host: '127.0.0.1',
      accounts: seed.cc.accounts,
      clients: [{ ...seed.cc.client, redirectUris: [config.constantContact.redirectUri] }],
      activityStepMs: options.activityStepMs ?? 1000,
      ...(options.ccKnobs ? { knobs: options.ccKnobs } : {}),
    });
    const demoConfig: Config = {
      ...config,
      tenants: platform.tenants(),
      constantContact: {
        ...config.constantContact,
        clientId: seed.cc.client.clientId,
        clientSecret: seed.cc.client.clientSecret,
        apiBaseUrl: cc.url,
        authBaseUrl: cc.url,
      },
      web: { ...config.web, ccAppUrl: `${cc.url}/app` },
    };
    connector = await createConnector(demoConfig, logger, options.overrides);
    await connector.app.listen({ host: config.server.host, port: config.server.port });
    connector.sync.scheduler?.start();
    connector.alerts.start();
  } catch (error) {
    await connector?.close().catch(() => {});
    await cc?.close().catch(() => {});
    await platform.close().catch(() => {});
    throw error;
  }

  const file = options.sandboxFile === undefined ? join(config.dataDir, 'sandbox.json') : options.sandboxFile;
  if (file) writeFacts(file, { connectorUrl, platform, cc, seed });
  const started = { connector, cc };
  return {
    connector: started.connector,
    platform,
    cc: started.cc,
    connectorUrl,
    seed,
    async close() {
      await started.connector.close();
      await started.cc.close();
      await platform.close();
    },
  };
}

function writeFacts(
  file: string,
  demo: { connectorUrl: string; platform: PlatformEmulator; cc: CcEmulator; seed: DemoSeed },
): void {
  const tenant = demo.platform.tenant(DEMO_TENANT.id);
  const facts = {
    connectorUrl: demo.connectorUrl,
    platform: {
      url: demo.platform.url,
      dashboardUrl: tenant.dashboardUrl,
      connecHost: tenant.connecHost,
      logins: demo.seed.logins.platform,
      organizations: (demo.seed.platform.organizations ?? []).map((o) => o.uid),
    },
    tenants: [tenant],
    constantContact: {
      url: demo.cc.url,
      appUrl: `${demo.cc.url}/app`,
      clientId: demo.seed.cc.client.clientId,
      logins: demo.seed.logins.constantContact,
    },
  };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(facts, null, 2)}\n`);
}

/** What `npm start` prints in demo mode: where to click and how to sign in. */
export function demoInstructions(demo: Demo, factsFile: string | null): string {
  const tenant = demo.platform.tenant(DEMO_TENANT.id);
  const platformLogins = demo.seed.logins.platform.map((l) => `${l.email} / ${l.password}  (${l.role})`);
  const [bakeryLogin, ...otherLogins] = demo.seed.logins.constantContact;
  const others = otherLogins.slice(0, 3).map((l) => `${l.username} / ${l.password} for "${l.organization}"`);
  if (otherLogins.length > others.length)
    others.push(`and ${otherLogins.length - others.length} more${factsFile ? ' in the facts file' : ''}`);
  return `
Demo running: the connector with the platform and Constant Contact emulators (Ctrl-C stops it).

  1. Open the dashboard:      ${tenant.dashboardUrl}
  2. Sign in as               ${platformLogins.join('\n                              ')}
  3. Launch the Constant Contact connector of "Demo Bakery", then "Connect to Constant Contact".
  4. At Constant Contact, sign in as  ${bakeryLogin!.username} / ${bakeryLogin!.password}
${others.length ? `     Each organization has its own account: ${others.join('\n                                            ')}\n` : ''}
  Connector:         ${demo.connectorUrl}
  Constant Contact:  ${demo.cc.url}/app (its own web app; same login)
${factsFile ? `  Facts as JSON:     ${factsFile}\n` : ''}`;
}
