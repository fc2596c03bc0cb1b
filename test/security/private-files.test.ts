import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openStore } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { createLogger } from '../../src/logger.ts';
import { loadOrCreateKeyFile } from '../../src/security/encryption-key-file.ts';

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('files that hold personal data and keys', () => {
  it('creates the data folder for its owner only, and the database and its WAL files readable by its owner only', async () => {
    const previous = process.umask(0o022);
    try {
      const dataDir = join(mkdtempSync(join(tmpdir(), 'private-')), 'data');
      const file = join(dataDir, 'connector.sqlite');
      const store = openStore({ kind: 'sqlite', file });
      await migrateToLatest(store.db);
      assert.equal(modeOf(dataDir), 0o700, 'the folder');
      for (const path of [file, `${file}-wal`, `${file}-shm`]) assert.equal(modeOf(path), 0o600, path);
      await store.close();
      loadOrCreateKeyFile(dataDir, createLogger('silent'));
      assert.equal(modeOf(join(dataDir, 'encryption.key')), 0o600, 'the key beside it');
    } finally {
      process.umask(previous);
    }
  });

  it('makes an existing world-readable database private, and leaves the mode of an existing folder alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shared-'));
    chmodSync(dir, 0o755);
    const file = join(dir, 'old.sqlite');
    writeFileSync(file, '');
    chmodSync(file, 0o644);
    const store = openStore({ kind: 'sqlite', file });
    await migrateToLatest(store.db);
    assert.equal(modeOf(file), 0o600);
    assert.equal(modeOf(dir), 0o755, 'a folder the operator chose keeps its mode');
    await store.close();
  });
});
