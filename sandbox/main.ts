// `npm run sandbox`: the platform emulator (dashboard, SSO, Connec!) and the Constant Contact emulator with
// demo data, for running the whole flow on one machine. State lives in memory and is gone when the process
// stops; the facts needed to drive it are printed and written to data/sandbox.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { startConstantContactEmulator } from './constantcontact/index.ts';
import { buildDemoSeed, DEMO_TENANT } from './demo-seed.ts';
import { startPlatformEmulator } from './platform/index.ts';
import { parseSandboxOrgs, SandboxOrgsError } from './sandbox-orgs.ts';

const host = process.env.SANDBOX_HOST ?? '127.0.0.1';
const platformPort = Number(process.env.PLATFORM_SANDBOX_PORT ?? 4000);
const ccPort = Number(process.env.CC_SANDBOX_PORT ?? 4010);
const connectorUrl = process.env.CONNECTOR_URL ?? 'http://localhost:3000';
const outputFile = resolve(process.env.SANDBOX_FILE ?? 'data/sandbox.json');
const organizationCount = readOrganizationCount();

function readOrganizationCount(): number {
  try {
    return parseSandboxOrgs(process.env.SANDBOX_ORGS);
  } catch (error) {
    if (!(error instanceof SandboxOrgsError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

const seed = buildDemoSeed({ connectorUrl, organizations: organizationCount });
const groupIds = (seed.platform.organizations ?? []).map((o) => o.uid);
const platform = await startPlatformEmulator({ port: platformPort, host, seed: seed.platform, connectorUrl });
const cc = await startConstantContactEmulator({
  port: ccPort,
  host,
  accounts: seed.cc.accounts,
  clients: [seed.cc.client],
  activityStepMs: 1000,
});

const tenant = platform.tenant(DEMO_TENANT.id);
const facts = {
  connectorUrl,
  platform: {
    url: platform.url,
    dashboardUrl: tenant.dashboardUrl,
    connecHost: tenant.connecHost,
    marketplacesUrl: `${platform.url}/api/config/v1/marketplaces`,
    logins: seed.logins.platform,
    organizations: groupIds,
  },
  /** Ready to use as the connector's TENANTS_FILE. */
  tenants: [tenant],
  constantContact: {
    url: cc.url,
    apiUrl: `${cc.url}/v3`,
    authorizeUrl: `${cc.url}/oauth2/default/v1/authorize`,
    tokenUrl: `${cc.url}/oauth2/default/v1/token`,
    clientId: seed.cc.client.clientId,
    clientSecret: seed.cc.client.clientSecret,
    redirectUris: seed.cc.client.redirectUris,
    logins: seed.logins.constantContact,
  },
};
mkdirSync(dirname(outputFile), { recursive: true });
writeFileSync(outputFile, `${JSON.stringify(facts, null, 2)}\n`);

console.log(`Sandbox running (Ctrl-C stops it; state is in memory).

Platform (Maestrano + Connec!)  ${platform.url}
  Dashboard:       ${tenant.dashboardUrl}
  Connec! API:     ${tenant.connecHost}/api/v2/{group}/{people|organizations|employees|company}
  Tenant:          ${tenant.id}  API id/key: ${tenant.apiId} / ${tenant.apiKey}
  Organizations:   ${shortList(groupIds)}
  Logins:          ${seed.logins.platform.map((l) => `${l.email} / ${l.password}`).join('   ')}
  Connector URL:   ${connectorUrl} (notifications, webhooks, Launch; CONNECTOR_URL changes it)

Constant Contact  ${cc.url}
  API:             ${cc.url}/v3
  Client id/secret: ${seed.cc.client.clientId} / ${seed.cc.client.clientSecret}
  Redirect URI:    ${seed.cc.client.redirectUris.join(', ')}
  Logins:          ${shortList(
    seed.logins.constantContact.map(
      (l) => `${l.username} / ${l.password} (${l.organization}, account ${l.accountId})`,
    ),
    '\n                   ',
  )}

Facts as JSON:    ${outputFile}`);

/** A fleet's list, cut short on the console: the file has all of it. */
function shortList(items: string[], separator = ', '): string {
  const shown = items.slice(0, 5);
  const more = items.length - shown.length;
  return [...shown, ...(more > 0 ? [`and ${more} more (see ${outputFile})`] : [])].join(separator);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void Promise.all([platform.close(), cc.close()]).then(() => process.exit(0));
  });
}
