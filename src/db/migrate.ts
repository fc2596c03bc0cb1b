import { type Kysely, type Migration, type MigrationResultSet, Migrator } from 'kysely';
import { ConnectorError } from '../errors.ts';
import * as initial from './migrations/0001-initial.ts';
import * as ccMirror from './migrations/0002-cc-mirror.ts';
import * as syncRunNotices from './migrations/0003-sync-run-notices.ts';
import * as ccLinkHandover from './migrations/0004-cc-link-handover.ts';
import * as pollStates from './migrations/0005-poll-states.ts';
import * as runChunks from './migrations/0006-run-chunks.ts';
import * as historicalTrigger from './migrations/0007-historical-trigger.ts';
import * as signInGuards from './migrations/0008-sign-in-guards.ts';
import * as accountTimeZone from './migrations/0009-account-time-zone.ts';
import * as alerts from './migrations/0010-alerts.ts';

export class MigrationFailedError extends ConnectorError {
  readonly code = 'DB_MIGRATION_FAILED';
}

// Listed here rather than read from a folder, so migrations load the same under tsx, a bundler or a test.
const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-cc-mirror': ccMirror,
  '0003-sync-run-notices': syncRunNotices,
  '0004-cc-link-handover': ccLinkHandover,
  '0005-poll-states': pollStates,
  '0006-run-chunks': runChunks,
  '0007-historical-trigger': historicalTrigger,
  '0008-sign-in-guards': signInGuards,
  '0009-account-time-zone': accountTimeZone,
  '0010-alerts': alerts,
};

/** Every migration's name, oldest first. */
export const MIGRATION_NAMES: readonly string[] = Object.keys(MIGRATIONS);

/** Brings the schema to the latest version; returns the names of the migrations applied now. */
// biome-ignore lint/suspicious/noExplicitAny: migrations work on any schema
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } });
  const result: MigrationResultSet = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new MigrationFailedError(
      `Database migration ${failed} failed: ${(result.error as Error).message ?? result.error}. The schema was left at the previous version.`,
      { cause: result.error },
    );
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
