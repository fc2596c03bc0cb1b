import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/config.ts';
import { type Demo, startDemo } from '../../src/demo/start-demo.ts';
import { createLogger } from '../../src/logger.ts';

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
 * The one-command demo (`npm start` with no configuration), started in this process on free ports with a
 * fresh SQLite file, a short notification debounce and fast emulator deliveries.
 */
export async function startTestDemo(): Promise<Demo & { dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'connector-demo-'));
  const port = await freePort();
  const config = loadConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://localhost:${port}`,
    DATA_DIR: dataDir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PLATFORM_SANDBOX_PORT: '0',
    CC_SANDBOX_PORT: '0',
  });
  const demo = await startDemo({
    config,
    logger: createLogger(config.logLevel),
    sandboxFile: null,
    activityStepMs: 20,
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
