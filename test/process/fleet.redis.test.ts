import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { defaultCcClient, oauthBase } from '../../sandbox/constantcontact/index.ts';
import type { PlatformEmulator } from '../../sandbox/platform/index.ts';
import type { PlatformSeed } from '../../sandbox/platform/seed.ts';
import { createRepositories, type Repositories } from '../../src/db/repositories/index.ts';
import type { SyncRun } from '../../src/model/sync-run.ts';
import type { SharedRedis } from '../../src/redis/redis-connection.ts';
import { type CcTestEmulator, startCcEmulatorForTest } from '../helpers/cc-emulator.ts';
import { freePort } from '../helpers/connector-demo.ts';
import { ConnectorProcess } from '../helpers/connector-process.ts';
import { createTestDatabase, TEST_KEY, type TestDatabase } from '../helpers/databases.ts';
import { ADMIN, startTestPlatform, TEST_TENANT } from '../helpers/platform-emulator.ts';
import { testRedis } from '../helpers/redis.ts';

const ORGANIZATIONS = 12;
const RECORDS_EACH = 300;
/** The deployment's CC budget, as CC sets it: every process together must stay within it. */
const CC_RATE_PER_SECOND = 4;

interface FleetOrganization {
  index: number;
  groupUid: string;
  accountId: string;
  id: string;
}

const groupUidOf = (i: number) => `cld-fleet${String(i).padStart(2, '0')}`;
const accountIdOf = (i: number) => `acct-fleet-${String(i).padStart(2, '0')}`;
const emailOf = (org: number, batch: string, i: number) => `${batch}-${i}@fleet${org}.example`;

/** A round-robin load balancer in front of the web processes: where the platform sends its notifications. */
class RoundRobinBalancer {
  readonly #server: Server;
  #next = 0;
  /** Requests handed to each backend, by its name. */
  readonly forwarded = new Map<string, number>();

  constructor(private readonly backends: ConnectorProcess[]) {
    this.#server = createServer((req, res) => {
      const backend = this.backends[this.#next++ % this.backends.length]!;
      this.forwarded.set(backend.name, (this.forwarded.get(backend.name) ?? 0) + 1);
      const upstream = request(
        `${backend.url}${req.url}`,
        { method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => {
        res.writeHead(502).end();
      });
      req.pipe(upstream);
    });
  }

  async listen(): Promise<string> {
    this.#server.listen(0, '127.0.0.1');
    await once(this.#server, 'listening');
    const address = this.#server.address();
    assert.ok(address && typeof address === 'object');
    return `http://127.0.0.1:${address.port}`;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(resolve));
  }
}

/** The last lines each process wrote, for a failure message. */
function lastWords(processes: ConnectorProcess[]): string {
  return processes
    .map(
      (p) =>
        `--- ${p.name}${p.running ? '' : ' (exited)'}:\n${p.output.trim().split('\n').slice(-15).join('\n')}`,
    )
    .join('\n');
}

/**
 * Polls `check` until it returns a value (not undefined/false) or `timeoutMs` passes; the failure shows
 * what the processes last said.
 */
async function waitFor<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined | false>,
  processes: ConnectorProcess[],
  pollMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await check();
    if (found !== undefined && found !== false) return found;
    assert.ok(Date.now() < deadline, `${what}: not within ${timeoutMs / 1000} s\n${lastWords(processes)}`);
    await sleep(pollMs);
  }
}

/** Runs of one organization that overlap in time (each started before the previous one finished). */
function overlappingRuns(runs: SyncRun[]): string[] {
  const sorted = [...runs].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  const overlaps: string[] = [];
  for (let i = 1; i < sorted.length; i++) {
    const previous = sorted[i - 1]!;
    const run = sorted[i]!;
    if (previous.finishedAt === null || run.startedAt < previous.finishedAt) {
      overlaps.push(
        `${previous.id} (${previous.startedAt}..${previous.finishedAt}) and ${run.id} (${run.startedAt}..)`,
      );
    }
  }
  return overlaps;
}

/** The most requests any one-second window holds, by the times the emulator logged them. */
function busiestSecond(times: number[]): { count: number; from: string } {
  const sorted = [...times].sort((a, b) => a - b);
  let best = { count: 0, from: '' };
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= 1000) start++;
    if (end - start + 1 > best.count) {
      best = { count: end - start + 1, from: new Date(sorted[start]!).toISOString() };
    }
  }
  return best;
}

// Every wait below has its own bound; this one only stops a suite whose processes hang in a way none foresaw.
const SUITE = { timeout: 300_000 };

describe('scale-out: 2 web and 3 worker processes on one PostgreSQL and one Redis', SUITE, () => {
  let platform: PlatformEmulator;
  let cc: CcTestEmulator;
  let redis: SharedRedis;
  let db: TestDatabase;
  let repos: Repositories;
  let dataDir: string;
  let balancer: RoundRobinBalancer;
  const webs: ConnectorProcess[] = [];
  const workers: ConnectorProcess[] = [];
  const fleet = () => [...webs, ...workers];
  const organizations: FleetOrganization[] = [];

  const runsOf = (org: FleetOrganization) => repos.syncRuns.listRecent(org.id, 1000);
  const ccEmails = (org: FleetOrganization) =>
    cc.accounts
      .get(org.accountId)
      .contacts()
      .map((c) => c.email_address.address);
  const hasAll = (org: FleetOrganization, emails: string[]) => {
    const inCc = new Set(ccEmails(org));
    return emails.every((e) => inCc.has(e));
  };
  const anyRunning = async () => {
    for (const org of organizations) if (await repos.syncRuns.findRunning(org.id)) return true;
    return false;
  };
  /** As another app of the organization would: each record is notified to the connector by the platform. */
  const createPeople = (org: FleetOrganization, batch: string, count: number): string[] => {
    const app = platform.actAs('Xero', org.groupUid);
    return Array.from({ length: count }, (_, i) => {
      const email = emailOf(org.index, batch, i);
      app.create('people', {
        first_name: `${batch}${i}`,
        last_name: `Fleet${org.index}`,
        email: { address: email },
        is_customer: true,
      });
      return email;
    });
  };
  /**
   * Every CC API request so far, by every process: never more than CC_RATE_PER_SECOND in any one-second
   * window, and none answered 429. The token endpoint is left out (CC limits it on its own); tokens live
   * 24 h here, so the processes never call it.
   */
  const assertWithinCcBudget = () => {
    const api = cc.requestLog.entries.filter((e) => e.url.startsWith('/v3'));
    const busiest = busiestSecond(api.map((e) => Date.parse(e.at)));
    assert.ok(
      busiest.count <= CC_RATE_PER_SECOND,
      `${busiest.count} CC requests in the second from ${busiest.from}`,
    );
    assert.equal(
      cc.requestLog.count((e) => e.status === 429),
      0,
      'CC never answered 429',
    );
    return { requests: api.length, busiest: busiest.count };
  };
  /** The worker whose run holds the organization's lease now, if any. */
  const workerHolding = async (org: FleetOrganization) => {
    const lease = await repos.organizations.leaseOf(org.id);
    if (!lease || !(await repos.syncRuns.findRunning(org.id))) return undefined;
    return workers.find((w) => w.running && lease.holder.includes(`-${w.pid}-`));
  };

  before(async () => {
    const startedAt = Date.now();
    const seed: PlatformSeed = {
      tenants: [TEST_TENANT],
      users: [ADMIN],
      organizations: Array.from({ length: ORGANIZATIONS }, (_, i) => ({
        uid: groupUidOf(i),
        tenant: TEST_TENANT.id,
        name: `Fleet ${i}`,
        members: [{ userUid: ADMIN.uid, role: 'Super Admin' as const }],
      })),
      hubRecords: [],
    };
    platform = await startTestPlatform({ seed });
    cc = await startCcEmulatorForTest({
      accounts: Array.from({ length: ORGANIZATIONS }, (_, i) => ({
        accountId: accountIdOf(i),
        username: `owner@fleet${i}.example`,
        password: 'cc-password',
        organizationName: `Fleet ${i}`,
      })),
      // CC's own limits, which the connector's processes must keep to together.
      ratePerSecond: CC_RATE_PER_SECOND,
      dailyQuota: 10_000,
    });
    redis = await testRedis();
    db = await createTestDatabase('postgres');
    if (db.config.kind !== 'postgres') throw new Error('expected PostgreSQL');
    // The real clock: the runs the processes record and the links made here share one timeline.
    repos = createRepositories(db.store.db, db.cipher);
    for (let i = 0; i < ORGANIZATIONS; i++) {
      const organization = await repos.organizations.upsert({
        tenant: TEST_TENANT.id,
        groupUid: groupUidOf(i),
        name: `Fleet ${i}`,
      });
      const granted = cc.grantTokens({ accountId: accountIdOf(i), clientId: defaultCcClient.clientId });
      await repos.organizations.link(
        organization.id,
        { id: accountIdOf(i), name: `Fleet ${i}` },
        {
          accessToken: granted.access_token,
          refreshToken: granted.refresh_token,
          expiresAt: new Date(Date.now() + granted.expires_in * 1000).toISOString(),
        },
      );
      organizations.push({
        index: i,
        groupUid: groupUidOf(i),
        accountId: accountIdOf(i),
        id: organization.id,
      });
    }

    dataDir = mkdtempSync(join(tmpdir(), 'fleet-'));
    const tenantsFile = join(dataDir, 'tenants.json');
    writeFileSync(tenantsFile, JSON.stringify([platform.tenant(TEST_TENANT.id)]));
    const env = {
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DATABASE_URL: db.config.url,
      ENCRYPTION_KEY: TEST_KEY,
      SESSION_SECRET: 'fleet-test-session-secret-of-enough-length-0123456789',
      TENANTS_FILE: tenantsFile,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: redis.prefix,
      CC_CLIENT_ID: defaultCcClient.clientId,
      CC_CLIENT_SECRET: defaultCcClient.clientSecret,
      CC_API_BASE_URL: cc.url,
      CC_AUTH_BASE_URL: cc.url,
      CC_RATE_PER_SECOND: String(CC_RATE_PER_SECOND),
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    };
    for (let i = 1; i <= 2; i++) {
      webs.push(new ConnectorProcess(`web ${i}`, await freePort(), { ...env, ROLE: 'web' }));
    }
    for (let i = 1; i <= 3; i++) {
      workers.push(new ConnectorProcess(`worker ${i}`, await freePort(), { ...env, ROLE: 'worker' }));
    }
    // The database is migrated already, so all may start at once.
    await Promise.all([...webs, ...workers].map((p) => p.start()));
    balancer = new RoundRobinBalancer(webs);
    platform.connectorUrl = await balancer.listen();
    // Workers poll each newly linked organization once (the planner); once those polls are done, no poll is
    // due for POLL_MIN (15 min), so every run the tests see was asked for by a notification through a web process.
    await waitFor(
      'the first polls of the linked organizations',
      60_000,
      async () => {
        for (const org of organizations) if ((await runsOf(org)).length === 0) return false;
        return !(await anyRunning());
      },
      fleet(),
    );
    process.stdout.write(`# fleet: 5 processes ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s\n`);
  });

  after(async () => {
    await Promise.all([...webs, ...workers].map((p) => p.stop('SIGKILL')));
    await balancer?.close();
    await platform?.close();
    await cc?.close();
    await redis?.close();
    await db?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it(`syncs ${ORGANIZATIONS} organizations with ${RECORDS_EACH} new records each: one run per organization at a time, within CC's budget, all converged`, async () => {
    const startedAt = Date.now();
    const polls = new Set((await Promise.all(organizations.map(runsOf))).flat().map((r) => r.id));
    const expected = new Map(organizations.map((org) => [org.id, createPeople(org, 'new', RECORDS_EACH)]));

    await waitFor(
      'every organization converged',
      240_000,
      async () => {
        for (const org of organizations) if (!hasAll(org, expected.get(org.id)!)) return false;
        return !(await anyRunning());
      },
      fleet(),
    );
    const tookS = (Date.now() - startedAt) / 1000;

    for (const org of organizations) {
      const emails = ccEmails(org);
      assert.equal(
        emails.length,
        RECORDS_EACH,
        `Fleet ${org.index}: its ${RECORDS_EACH} contacts, none twice`,
      );
      assert.deepEqual(new Set(emails), new Set(expected.get(org.id)));
      const runs = await runsOf(org);
      assert.deepEqual(overlappingRuns(runs), [], `Fleet ${org.index}: never two runs at once`);
      assert.deepEqual(
        runs.filter((r) => r.status !== 'succeeded').map((r) => `${r.status} ${JSON.stringify(r.error)}`),
        [],
        `Fleet ${org.index}: every run succeeded`,
      );
    }

    const budget = assertWithinCcBudget();
    const tokenCalls = cc.requestLog.count((e) => e.url.startsWith(`${oauthBase}/token`));
    for (const web of webs) {
      assert.ok((balancer.forwarded.get(web.name) ?? 0) > 0, `${web.name} received notifications`);
    }
    const runs = (await Promise.all(organizations.map(runsOf))).flat().filter((r) => !polls.has(r.id));
    assert.deepEqual(
      new Set(runs.map((r) => r.trigger)),
      new Set(['notification']),
      'the runs were asked for by the notifications the web processes received',
    );
    process.stdout.write(
      `# fleet: ${ORGANIZATIONS} x ${RECORDS_EACH} records converged in ${tookS.toFixed(1)} s; ${runs.length} runs after ${polls.size} first polls, ` +
        `${budget.requests} CC API requests (${tokenCalls} token requests), busiest second ${budget.busiest}, ` +
        `requests per web process ${JSON.stringify(Object.fromEntries(balancer.forwarded))}\n`,
    );
    cc.assertConformant();
  });

  it('hands the organization of a SIGKILLed worker to another worker within 60 s, and loses no notification sent meanwhile', async () => {
    const org = organizations[0]!;
    const before = new Set((await runsOf(org)).map((r) => r.id));
    // Slower CC answers, so the run is surely still going when its worker is killed.
    cc.knobs.latencyMs = 200;
    try {
      const batch = createPeople(org, 'kill', RECORDS_EACH);
      const victim = await waitFor(
        'a worker runs the organization',
        60_000,
        () => workerHolding(org),
        fleet(),
        50,
      );
      const killed = await victim.signal('SIGKILL');
      const killedAt = Date.now();
      assert.equal(killed.signal, 'SIGKILL');
      const late = createPeople(org, 'meanwhile', 1);

      const handedOn = await waitFor(
        'another worker completed the organization',
        60_000,
        async () => {
          const done = (await runsOf(org)).find(
            (r) => !before.has(r.id) && r.status === 'succeeded' && Date.parse(r.startedAt) > killedAt,
          );
          return done && hasAll(org, batch) ? done : undefined;
        },
        fleet(),
      );
      const handedOnS = (Date.parse(handedOn.finishedAt!) - killedAt) / 1000;
      await waitFor(
        'the record notified meanwhile reached CC',
        120_000,
        async () => hasAll(org, late),
        fleet(),
      );
      const lateS = (Date.now() - killedAt) / 1000;

      const runs = await runsOf(org);
      assert.deepEqual(overlappingRuns(runs), [], 'never two runs at once');
      const abandoned = runs.filter((r) => !before.has(r.id) && r.error?.code === 'RUN_ABANDONED');
      assert.equal(abandoned.length, 1, "the killed worker's run is marked abandoned, not left running");
      assert.equal(ccEmails(org).length, 2 * RECORDS_EACH + 1, 'none twice');
      assertWithinCcBudget();
      process.stdout.write(
        `# fleet: SIGKILL: completed by another worker ${handedOnS.toFixed(1)} s after the kill; ` +
          `the record notified meanwhile in CC after ${lateS.toFixed(1)} s\n`,
      );
    } finally {
      cc.knobs.latencyMs = 0;
    }
  });

  it('stops a SIGTERMed worker within 10 s mid-run; another worker finishes and no run is left running', async () => {
    const org = organizations[1]!;
    const before = new Set((await runsOf(org)).map((r) => r.id));
    cc.knobs.latencyMs = 200;
    try {
      const batch = createPeople(org, 'term', RECORDS_EACH);
      const stopping = await waitFor(
        'a worker runs the organization',
        60_000,
        () => workerHolding(org),
        fleet(),
        50,
      );
      const stopped = await stopping.signal('SIGTERM');
      assert.equal(stopped.code, 0, `clean exit:\n${stopping.output}`);
      assert.ok(stopped.tookMs <= 10_000, `exited after ${stopped.tookMs} ms`);

      await waitFor(
        'another worker finished the organization',
        90_000,
        async () => {
          return hasAll(org, batch) && !(await anyRunning());
        },
        fleet(),
      );
      const runs = (await runsOf(org)).filter((r) => !before.has(r.id));
      assert.deepEqual(
        runs.filter((r) => r.status === 'running'),
        [],
        'no run left running',
      );
      assert.ok(
        runs.some((r) => r.status === 'cancelled'),
        "the stopped worker's run ended as cancelled",
      );
      assert.deepEqual(overlappingRuns(await runsOf(org)), [], 'never two runs at once');
      assert.equal(ccEmails(org).length, 2 * RECORDS_EACH, 'none twice');
      assertWithinCcBudget();
      process.stdout.write(`# fleet: SIGTERM: the worker exited (code 0) in ${stopped.tookMs} ms\n`);
    } finally {
      cc.knobs.latencyMs = 0;
    }
  });
});
