import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_GROUPS } from '../../sandbox/demo-seed.ts';
import { type Config, loadConfig } from '../../src/config/config.ts';
import { type Demo, startDemo } from '../../src/demo/start-demo.ts';
import { createLogger } from '../../src/logger.ts';
import type { IdMap } from '../../src/model/id-map.ts';
import { listMembershipsFromEnv } from './cc-emulator.ts';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * The configuration of `npm start` with nothing set (the demo), on 127.0.0.1:`port` with `dataDir`, the
 * emulators on free ports, and quiet logs (`TEST_LOG_LEVEL` to see them); `env` adds settings.
 */
export function demoTestConfig(dataDir: string, port: number, env: Record<string, string> = {}): Config {
  return loadConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PLATFORM_SANDBOX_PORT: '0',
    CC_SANDBOX_PORT: '0',
    ...env,
  });
}

/**
 * The one-command demo (`npm start` with no configuration), started in this process on free ports with a
 * fresh SQLite file, a short notification debounce and fast emulator deliveries.
 */
export async function startTestDemo(): Promise<Demo & { dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'connector-demo-'));
  const config = demoTestConfig(dataDir, await freePort());
  const demo = await startDemo({
    config,
    logger: createLogger(config.logLevel),
    sandboxFile: null,
    activityStepMs: 20,
    ccKnobs: listMembershipsFromEnv(),
    overrides: { scheduler: { debounceMs: 100, tickMs: 60 * 60_000 } },
    platformOptions: {
      notifications: { bufferMs: 20, maxRecords: 100 },
      retry: { retryBaseMs: 20, maxAttempts: 4, timeoutMs: 3000 },
    },
  });
  const closeDemo = demo.close.bind(demo);
  return Object.assign(demo, {
    dataDir,
    async close() {
      await closeDemo();
      rmSync(dataDir, { recursive: true, force: true });
    },
  });
}

/** The email Pat Partner and her shop Pat's Pantry share in `shareOneContactFromTwoRecords`. */
export const PAT_EMAIL = 'pat@cornercafe.example';

/**
 * In Demo Bakery's hub, as Xero: a customer and the customer organization she runs, with one email (written
 * in another case), so one Constant Contact contact. Resolves with both id maps, person first, once the
 * connector shared them and its run ended.
 */
export async function shareOneContactFromTwoRecords(demo: Demo, timeoutMs = 20_000): Promise<IdMap[]> {
  const { organizations, idMaps, syncRuns } = demo.connector.repositories;
  const organization = await organizations.findByGroup('sandbox', DEMO_GROUPS.bakery);
  if (!organization) throw new Error('Demo Bakery is not known to the connector yet');
  const xero = demo.platform.actAs('Xero', DEMO_GROUPS.bakery);
  xero.create('people', {
    first_name: 'Pat',
    last_name: 'Partner',
    email: { address: PAT_EMAIL },
    is_customer: true,
  });
  xero.create('organizations', {
    name: "Pat's Pantry",
    email: { address: PAT_EMAIL.toUpperCase() },
    is_customer: true,
  });
  // Connec! tells the connector, which shares both in the run that follows.
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const linked = (await idMaps.findByAnyKey(organization.id, PAT_EMAIL)).filter(
      (m) => m.state === 'linked',
    );
    if (linked.length === 2 && !(await syncRuns.findRunning(organization.id))) {
      const person = linked.find((m) => m.hubCollection === 'people')!;
      return [person, ...linked.filter((m) => m !== person)];
    }
    if (Date.now() > deadline) throw new Error(`Pat's two records were not shared within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
