import assert from 'node:assert/strict';
import { type CcAccount, defaultCcClient } from '../../sandbox/constantcontact/index.ts';
import type { PlatformEmulator } from '../../sandbox/platform/index.ts';
import type { PlatformSeed } from '../../sandbox/platform/seed.ts';
import type { Clock } from '../../sandbox/shared/clock.ts';
import { ConnecClient } from '../../src/connec/connec-client.ts';
import { connecIdOf } from '../../src/connec/ids.ts';
import type { IdArray } from '../../src/connec/records.ts';
import { ConstantContactClient } from '../../src/constantcontact/client.ts';
import { type CcBudgetLimiter, InMemoryRateLimiter } from '../../src/constantcontact/rate-limiter.ts';
import { organizationTokenStore } from '../../src/db/cc-token-store.ts';
import { createRepositories, type Repositories } from '../../src/db/repositories/index.ts';
import { createLogger } from '../../src/logger.ts';
import type { MappingRegistry } from '../../src/mapping/registry.ts';
import type { ConnectorMetrics } from '../../src/metrics/connector-metrics.ts';
import type { Organization } from '../../src/model/organization.ts';
import type { RunTrigger, SyncRun } from '../../src/model/sync-run.ts';
import { runSync, type SyncEngineDeps } from '../../src/sync/run-sync.ts';
import { DEFAULT_SYNC_OPTIONS, type SyncOptions } from '../../src/sync/sync-context.ts';
import type { CcTestEmulator } from './cc-emulator.ts';
import { startCcEmulatorForTest } from './cc-emulator.ts';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from './databases.ts';
import { GROUP_A, startTestPlatform, TEST_TENANT } from './platform-emulator.ts';

export const CC_ACCOUNT_ID = 'acct-alpha';

/** Connec!'s own id of a hub record as the hub returns it. */
export function connecId(record: Record<string, unknown>): string {
  const id = connecIdOf(record.id as IdArray);
  assert.ok(id, 'the hub record has a Connec! id');
  return id;
}

/** Runs one sync and asserts it succeeded; returns its record. */
export async function syncOk(h: Pick<SyncHarness, 'sync'>): Promise<SyncRun> {
  const run = await h.sync();
  assert.equal(run.status, 'succeeded', `run failed: ${JSON.stringify(run.error)}`);
  return run;
}

export interface SyncHarness {
  db: TestDatabase;
  repos: Repositories;
  platform: PlatformEmulator;
  cc: CcTestEmulator;
  ccAccount: CcAccount;
  organization: Organization;
  /** Runs one sync of the organization and returns its record. */
  sync(trigger?: RunTrigger): Promise<SyncRun>;
  /** Runs one sync, calling `onProgress` after each page (to act while the run is going on). */
  syncWith(onProgress: () => Promise<void>): Promise<SyncRun>;
  /** The engine as the connector wires it, for schedulers made in tests. */
  engine: SyncEngineDeps;
  /** Acts in the hub as another app would. */
  app: ReturnType<PlatformEmulator['actAs']>;
  /** The hub records of the organization, as the connector reads them. */
  hubRecords(collection: string): Record<string, unknown>[];
  /** The CC account's contacts in a list, by list name. */
  contactsInList(listName: string): ReturnType<CcAccount['contacts']>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  kind?: DatabaseKind;
  seed?: PlatformSeed;
  ccContacts?: Parameters<CcAccount['createContactAsUser']>[0][];
  options?: Partial<SyncOptions>;
  /** The CC emulator's daily quota (default: plenty). */
  ccDailyQuota?: number;
  /** Metrics the CC client and the engine report to, as the connector wires them. */
  metrics?: ConnectorMetrics;
  /** The CC emulator's and the engine's time (tests move it to another day); real time by default. */
  clock?: Clock;
  /** The CC client's limiter (default: one that never holds a call back). */
  rateLimiter?: CcBudgetLimiter;
  /** What goes where (default: the product's registry); the hub serves every collection it names. */
  mappings?: MappingRegistry;
}

/**
 * A linked organization between the two emulators, in-process: the platform (hub) with its seed, a CC
 * account, a fresh database, and the engine wired as the connector wires it.
 */
export async function startSyncHarness(input: HarnessOptions = {}): Promise<SyncHarness> {
  const db = await createTestDatabase(input.kind ?? 'sqlite');
  const cleanups: Array<() => Promise<void>> = [() => db.drop()];
  try {
    return await wire(db, input, cleanups);
  } catch (error) {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
    throw error;
  }
}

async function wire(
  db: TestDatabase,
  input: HarnessOptions,
  cleanups: Array<() => Promise<void>>,
): Promise<SyncHarness> {
  const now = () => new Date();
  const repos = createRepositories(db.store.db, db.cipher, now);
  const platform = await startTestPlatform({
    ...(input.seed ? { seed: input.seed } : {}),
    ...(input.mappings ? { extraCollections: input.mappings.collections } : {}),
  });
  cleanups.push(() => platform.close());
  // Seed data is older than the link, as an organization's existing data is.
  await new Promise((r) => setTimeout(r, 5));
  const cc = await startCcEmulatorForTest({
    accounts: [
      {
        accountId: CC_ACCOUNT_ID,
        username: 'owner@alpha.example',
        password: 'cc-password',
        organizationName: 'Alpha Bikes',
        contacts: input.ccContacts ?? [],
      },
    ],
    ratePerSecond: 1000,
    dailyQuota: input.ccDailyQuota ?? 1_000_000,
    ...(input.clock ? { clock: input.clock } : {}),
  });
  cleanups.push(() => cc.close());
  const ccAccount = cc.accounts.get(CC_ACCOUNT_ID);
  const tenant = platform.tenant(TEST_TENANT.id);
  let organization = await repos.organizations.upsert({
    tenant: tenant.id,
    groupUid: GROUP_A,
    name: 'Alpha Bikes',
  });
  const granted = cc.grantTokens({ accountId: CC_ACCOUNT_ID, clientId: defaultCcClient.clientId });
  organization = await repos.organizations.link(
    organization.id,
    { id: CC_ACCOUNT_ID, name: 'Alpha Bikes' },
    {
      accessToken: granted.access_token,
      refreshToken: granted.refresh_token,
      expiresAt: new Date(Date.now() + granted.expires_in * 1000).toISOString(),
    },
  );
  const ccClient = new ConstantContactClient({
    config: {
      clientId: defaultCcClient.clientId,
      clientSecret: defaultCcClient.clientSecret,
      redirectUri: defaultCcClient.redirectUris[0]!,
      apiBaseUrl: cc.url,
      authBaseUrl: cc.url,
    },
    tokenStore: organizationTokenStore(repos.organizations),
    rateLimiter: input.rateLimiter ?? new InMemoryRateLimiter({ perSecond: 1000, perDay: 1_000_000 }),
    retryPolicy: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 100 },
    ...(input.metrics ? { metrics: input.metrics } : {}),
  });
  const deps: SyncEngineDeps = {
    repos,
    connecFor: (org, signal) =>
      new ConnecClient({ tenant, groupId: org.groupUid, retryBaseDelayMs: 5, ...(signal ? { signal } : {}) }),
    cc: ccClient,
    now: input.clock ? () => input.clock!.now() : now,
    logger: createLogger('silent'),
    options: { ...DEFAULT_SYNC_OPTIONS, lookbackMs: 1_000, ...input.options },
    ...(input.metrics ? { metrics: input.metrics } : {}),
    ...(input.mappings ? { mappings: input.mappings } : {}),
  };

  return {
    db,
    repos,
    platform,
    cc,
    ccAccount,
    organization,
    engine: deps,
    sync: (trigger = 'manual') => runSync(deps, organization.id, trigger),
    syncWith: (onProgress) => runSync(deps, organization.id, 'manual', { onProgress }),
    app: platform.actAs('Xero', GROUP_A),
    hubRecords: (collection) => platform.records(GROUP_A, collection),
    contactsInList(listName) {
      const list = ccAccount.findListByName(listName);
      return list ? ccAccount.contacts().filter((c) => c.list_memberships?.includes(list.list_id)) : [];
    },
    async close() {
      await cc.close();
      await platform.close();
      await db.drop();
    },
  };
}
