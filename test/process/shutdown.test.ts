import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DEMO_GROUPS, DEMO_TENANT } from '../../sandbox/demo-seed.ts';
import { createCipher } from '../../src/connector.ts';
import { openStore } from '../../src/db/database.ts';
import { createRepositories } from '../../src/db/repositories/index.ts';
import { startDemo } from '../../src/demo/start-demo.ts';
import { createLogger } from '../../src/logger.ts';
import { demoTestConfig, freePort } from '../helpers/connector-demo.ts';

const STOP_LIMIT_MS = 10_000;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url);
    return true;
  } catch {
    return false;
  }
}

describe('stopping the connector process', () => {
  it('`npm start` passes SIGTERM to the connector, which stops, frees its port, and exits within 10 s', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'shutdown-'));
    const port = await freePort();
    const npm = spawn('npm', ['start'], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        PORT: String(port),
        DATA_DIR: dataDir,
        PLATFORM_SANDBOX_PORT: '0',
        CC_SANDBOX_PORT: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    npm.stdout?.on('data', (d) => {
      output += d;
    });
    npm.stderr?.on('data', (d) => {
      output += d;
    });
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      npm.once('exit', (code, signal) => resolve({ code, signal })),
    );
    let connectorPid: number | undefined;
    try {
      const health = `http://localhost:${port}/healthz`;
      const readyBy = Date.now() + 30_000;
      while (!(await answers(health))) {
        assert.equal(npm.exitCode, null, `npm start exited early:\n${output}`);
        assert.ok(Date.now() < readyBy, `the connector did not answer within 30 s:\n${output}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      // The port answers a moment before the process logs that it is ready: wait for the line.
      const logged = (): string | undefined =>
        output.split('\n').find((line) => line.includes('connector ready'));
      while (!logged() && Date.now() < readyBy) await new Promise((r) => setTimeout(r, 100));
      const ready = logged();
      connectorPid = (JSON.parse(ready ?? '{}') as { pid?: number }).pid;
      assert.ok(connectorPid && connectorPid !== npm.pid, 'the connector logs its own process id');

      const signalledAt = Date.now();
      npm.kill('SIGTERM');
      const result = await Promise.race([
        exited,
        new Promise<'too slow'>((r) => setTimeout(() => r('too slow'), STOP_LIMIT_MS)),
      ]);
      assert.notEqual(result, 'too slow', `npm start was still running 10 s after SIGTERM:\n${output}`);
      // npm exits once its script has: the connector must be gone too, not left behind as an orphan.
      while (isAlive(connectorPid) && Date.now() - signalledAt < STOP_LIMIT_MS) {
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(isAlive(connectorPid), false, 'the connector process exited');
      assert.ok(Date.now() - signalledAt < STOP_LIMIT_MS, 'within 10 s');
      assert.deepEqual(result, { code: 0, signal: null }, 'a clean exit');
      assert.match(output, /"signal":"SIGTERM"[^\n]*"msg":"stopping"/, 'the connector says it is stopping');
      assert.equal(await answers(health), false, 'the port is released');
    } finally {
      if (npm.exitCode === null) npm.kill('SIGKILL');
      if (connectorPid && isAlive(connectorPid)) process.kill(connectorPid, 'SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('stopping the connector in the middle of a run', () => {
  it('cancels the run at its next call, frees the lease for the next start, and closes well within 10 s', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'shutdown-demo-'));
    const config = demoTestConfig(dataDir, await freePort());
    const logger = createLogger('silent');
    try {
      const demo = await startDemo({ config, logger, sandboxFile: null, activityStepMs: 20 });
      // Link the demo bakery as the OAuth callback would, with tokens the CC emulator granted.
      const { organizations, syncRuns } = demo.connector.repositories;
      const account = demo.seed.cc.accounts[0]!;
      const granted = demo.cc.grantTokens({
        accountId: account.accountId,
        clientId: demo.seed.cc.client.clientId,
      });
      const organization = await organizations.upsert({
        tenant: DEMO_TENANT.id,
        groupUid: DEMO_GROUPS.bakery,
        name: 'Demo Bakery',
      });
      await organizations.link(
        organization.id,
        { id: account.accountId, name: 'Demo Bakery' },
        {
          accessToken: granted.access_token,
          refreshToken: granted.refresh_token,
          expiresAt: new Date(Date.now() + granted.expires_in * 1000).toISOString(),
        },
      );
      // Every CC call now takes longer than a stop may.
      demo.cc.knobs.latencyMs = 15_000;
      demo.connector.sync.scheduler?.request(organization.id, 'manual');
      const startedBy = Date.now() + 5_000;
      while (!(await syncRuns.findRunning(organization.id))) {
        assert.ok(Date.now() < startedBy, 'the run started');
        await new Promise((r) => setTimeout(r, 20));
      }
      await new Promise((r) => setTimeout(r, 300));

      const closingAt = Date.now();
      await demo.close();
      const took = Date.now() - closingAt;
      assert.ok(took < 5_000, `the connector and emulators closed in ${took} ms, mid-run`);

      // What the next start finds in the database.
      const store = openStore(config.database);
      try {
        const repos = createRepositories(store.db, createCipher(config, logger));
        const [run] = await repos.syncRuns.listRecent(organization.id, 1);
        assert.equal(run?.status, 'cancelled');
        assert.equal(run?.error?.message, 'The connector was stopping.');
        assert.equal(
          await repos.organizations.acquireLease(organization.id, 'next-start', 60_000),
          true,
          'the next start takes the organization at once',
        );
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
