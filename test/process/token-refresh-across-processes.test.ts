import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { defaultCcClient, oauthBase } from '../../sandbox/constantcontact/index.ts';
import { ConstantContactClient } from '../../src/constantcontact/client.ts';
import type { TokenRefreshOutcome } from '../../src/constantcontact/token-refresh-coordinator.ts';
import { organizationTokenStore } from '../../src/db/cc-token-store.ts';
import { type CcTestEmulator, startCcEmulatorForTest } from '../helpers/cc-emulator.ts';
import { createTestDatabase, TEST_KEY, type TestDatabase } from '../helpers/databases.ts';
import type { FixtureReport, FixtureSettings } from './fixtures/cc-calls-in-a-loop.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/cc-calls-in-a-loop.ts', import.meta.url));
const CC_ACCOUNT_ID = 'acct-rotating';
/** Rotations to watch before stopping the processes: enough for each to meet a rotated token. */
const ROTATIONS = 5;
/**
 * Each process refreshes this long before expiry. They differ on purpose: the earliest refreshes while the
 * others still use the old token, and the one at 0 sends tokens up to their last moment, so CC answers it
 * 401 when a rotated pair may already be saved.
 */
const EXPIRY_SKEWS_MS = [0, 300, 600];

interface ConnectorProcess {
  child: ChildProcess;
  output: () => string;
  /** Resolves once the process has made its first successful call. */
  calling: Promise<void>;
}

/** Starts a process that loads the connector's modules and waits for its settings on stdin. */
function startProcess(): ConnectorProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  const calling = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d) => {
      output += d;
      if (output.includes('calling\n')) resolve();
    });
    child.stderr?.on('data', (d) => {
      output += d;
    });
    child.once('exit', (code) =>
      reject(new Error(`a process exited (${code}) before calling CC:\n${output}`)),
    );
  });
  // The test awaits it later: an exit before then must not count as an unhandled rejection.
  calling.catch(() => {});
  return { child, output: () => output, calling };
}

/** Closes its stdin (the stop signal) and reads its final report. */
async function stop(p: ConnectorProcess): Promise<FixtureReport> {
  const exited = p.child.exitCode === null ? once(p.child, 'exit') : Promise.resolve([p.child.exitCode]);
  p.child.stdin?.end();
  const [code] = await exited;
  assert.equal(code, 0, `a connector process failed:\n${p.output()}`);
  const last = p.output().trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as FixtureReport;
}

// A process that never manages a call would otherwise keep the test waiting for good.
describe('token refresh with several connector processes on one PostgreSQL', { timeout: 120_000 }, () => {
  let db: TestDatabase;
  let cc: CcTestEmulator;
  let organizationId: string;
  const processes: ConnectorProcess[] = [];

  before(async () => {
    // Started first: they load their modules while the database and the emulator are being set up.
    for (const _ of EXPIRY_SKEWS_MS) processes.push(startProcess());
    db = await createTestDatabase('postgres');
    cc = await startCcEmulatorForTest({
      accounts: [
        {
          accountId: CC_ACCOUNT_ID,
          username: 'owner@rotating.example',
          password: 'cc-password',
          organizationName: 'Rotating Tokens Ltd',
        },
      ],
      // Tokens live 1 s and refresh tokens rotate (the default), so a few seconds see many rotations.
      accessTokenTtlSeconds: 1,
      // The API budget and the token endpoint's pace are other tests' concern; here they must not interfere.
      ratePerSecond: 1000,
      dailyQuota: 1_000_000,
      knobs: { tokenRatePerSecond: 0 },
    });
    const organization = await db.repos.organizations.upsert({
      tenant: 'tenant-a',
      groupUid: 'group-rotating',
      name: 'Rotating Tokens Ltd',
    });
    organizationId = organization.id;
    const granted = cc.grantTokens({ accountId: CC_ACCOUNT_ID, clientId: defaultCcClient.clientId });
    await db.repos.organizations.link(
      organizationId,
      { id: CC_ACCOUNT_ID, name: 'Rotating Tokens Ltd' },
      {
        accessToken: granted.access_token,
        refreshToken: granted.refresh_token,
        expiresAt: new Date(Date.now() + granted.expires_in * 1000).toISOString(),
      },
    );
  });

  after(async () => {
    for (const p of processes) if (p.child.exitCode === null) p.child.kill();
    await cc?.close();
    await db?.drop();
  });

  it('spends each refresh token once: one refresh per rotation, no invalid_grant, every call answered', async () => {
    if (db.config.kind !== 'postgres') throw new Error('expected PostgreSQL');
    for (const [i, p] of processes.entries()) {
      const settings: FixtureSettings = {
        databaseUrl: db.config.url,
        encryptionKey: TEST_KEY,
        ccUrl: cc.url,
        ccClientId: defaultCcClient.clientId,
        ccClientSecret: defaultCcClient.clientSecret,
        organizationId,
        expirySkewMs: EXPIRY_SKEWS_MS[i] ?? 0,
      };
      p.child.stdin?.write(`${JSON.stringify(settings)}\n`);
    }
    await Promise.all(processes.map((p) => p.calling));

    const tokenAnswers = (status: number) =>
      cc.requestLog.count((e) => e.url.startsWith(`${oauthBase}/token`) && e.status === status);
    const startedWith = tokenAnswers(200);
    while (tokenAnswers(200) - startedWith < ROTATIONS) await new Promise((r) => setTimeout(r, 100));
    const reports = await Promise.all(processes.map(stop));

    for (const report of reports) {
      assert.deepEqual(report.failures, [], 'every call of every process succeeded');
      assert.ok(report.calls > 0);
    }
    const refreshes = (outcome: TokenRefreshOutcome) =>
      reports.reduce((sum, r) => sum + r.refreshes[outcome], 0);
    // Every refresh CC granted was saved by exactly one process, and none was refused or lost.
    assert.equal(refreshes('ok'), tokenAnswers(200));
    assert.equal(refreshes('refused'), 0);
    assert.equal(refreshes('failed'), 0);
    // A refresh token presented a second time is answered invalid_grant (400): there was none.
    assert.equal(tokenAnswers(400), 0, 'no refresh token was presented twice');

    const organization = await db.repos.organizations.get(organizationId);
    assert.equal(organization.needsReconnect, null, 'the organization is not marked needs-reconnect');
    // The stored pair is the live end of the chain: it refreshes once more.
    const client = new ConstantContactClient({
      config: {
        clientId: defaultCcClient.clientId,
        clientSecret: defaultCcClient.clientSecret,
        redirectUri: defaultCcClient.redirectUris[0] ?? '',
        apiBaseUrl: cc.url,
        authBaseUrl: cc.url,
      },
      tokenStore: organizationTokenStore(db.repos.organizations),
    });
    const stored = await db.repos.organizations.getTokens(organizationId);
    assert.ok(stored);
    assert.notEqual(
      await client.tokens.renewAfterRejection(organizationId, stored.accessToken),
      stored.accessToken,
    );
    assert.equal(tokenAnswers(400), 0);
    cc.assertConformant();
  });
});
