import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MIGRATION_NAMES } from '../src/db/migrate.ts';

const TSX = ['--import', 'tsx'];

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
  return { ...env, ...extra };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url: string, child: ChildProcess): Promise<Response> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the connector exited with ${child.exitCode}`);
    try {
      return await fetch(url);
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`${url} did not answer within 20 s`);
}

describe('the connector process', () => {
  it('stops on a bad setting with one line naming it, and no stack trace', () => {
    const result = spawnSync(process.execPath, [...TSX, 'src/main.ts'], {
      env: cleanEnv({ PORT: 'eighty', DATA_DIR: mkdtempSync(join(tmpdir(), 'main-')) }),
      encoding: 'utf8',
    });
    assert.equal(result.status, 1);
    assert.equal(
      result.stderr,
      'Configuration error: PORT="eighty": must be a whole number (example: PORT=3000)\n',
    );
  });

  it('starts with no configuration on an SQLite file under the data folder and answers /healthz', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'main-'));
    const port = await freePort();
    const child = spawn(process.execPath, [...TSX, 'src/main.ts'], {
      env: cleanEnv({
        PORT: String(port),
        DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
        PLATFORM_SANDBOX_PORT: '0',
        CC_SANDBOX_PORT: '0',
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (d) => {
      output += d;
    });
    try {
      const response = await waitForHealth(`http://localhost:${port}/healthz`, child);
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { status: 'ok', database: 'sqlite' });
      assert.ok(existsSync(join(dataDir, 'connector.sqlite')));
      assert.equal(statSync(join(dataDir, 'encryption.key')).mode & 0o777, 0o600, 'the key is private');
      assert.match(output, /generated a key into the data folder/, 'the generated key is announced');
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });

  it('migrates on demand with `npm run migrate` and says what it did', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'main-'));
    const run = () =>
      spawnSync(process.execPath, [...TSX, 'src/cli/migrate.ts'], {
        env: cleanEnv({ DATA_DIR: dataDir }),
        encoding: 'utf8',
      });
    const first = run();
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /^Applied .* to .*connector\.sqlite\.\n$/);
    assert.equal(
      first.stdout.slice('Applied '.length, first.stdout.indexOf(' to ')),
      MIGRATION_NAMES.join(', '),
    );
    assert.equal(MIGRATION_NAMES[0], '0001-initial');
    assert.match(run().stdout, /is already at the latest schema/);
  });
});
