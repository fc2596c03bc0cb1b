import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { ConfigError } from '../config/config-error.ts';
import { ensurePrivateDir } from './private-files.ts';

/**
 * The embedded default needs no setup, so without ENCRYPTION_KEY a key is generated once into the data
 * folder (readable by the owner only). Losing that file makes stored tokens unreadable: users then relink.
 */
export function loadOrCreateKeyFile(dataDir: string, logger: Logger): string {
  const path = join(dataDir, 'encryption.key');
  if (existsSync(path)) {
    const key = readFileSync(path, 'utf8').trim();
    if (Buffer.from(key, 'base64').length !== 32) {
      throw new ConfigError(
        `ENCRYPTION_KEY: the key file ${path} does not hold 32 bytes in base64; restore it or set ENCRYPTION_KEY`,
      );
    }
    return key;
  }
  ensurePrivateDir(dataDir);
  const key = randomBytes(32).toString('base64');
  writeFileSync(path, `${key}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  logger.warn(
    { path },
    'ENCRYPTION_KEY is not set: generated a key into the data folder. Back it up, or set ENCRYPTION_KEY in production.',
  );
  return key;
}
