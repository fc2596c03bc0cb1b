import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';

/**
 * Creates a folder only its owner can enter (0700). A folder that already exists keeps its mode: it may be
 * shared (a database file given in /tmp), and it is the operator's.
 */
export function ensurePrivateDir(dir: string): void {
  if (existsSync(dir)) return;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // mkdir's mode passes through the umask; the folder made here is the connector's own.
  chmodSync(dir, 0o700);
}

/**
 * Makes an SQLite database file (and its WAL and shared-memory files, if any) readable by its owner only
 * (0600). The file is created empty first when missing, so SQLite gives the WAL files it creates the same
 * mode, whatever the umask.
 */
export function makeDatabaseFilePrivate(file: string): void {
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    if (existsSync(path)) chmodSync(path, 0o600);
  }
}
