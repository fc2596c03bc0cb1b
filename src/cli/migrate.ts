import { loadConfig } from '../config/config.ts';
import { openStore } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { runCommand } from './run-command.ts';

// `npm run migrate`: brings the configured database to the latest schema and says what it did.
runCommand(async () => {
  const config = loadConfig();
  const store = openStore(config.database);
  try {
    const applied = await migrateToLatest(store.db);
    const where = config.database.kind === 'sqlite' ? config.database.file : 'PostgreSQL';
    console.log(
      applied.length > 0
        ? `Applied ${applied.join(', ')} to ${where}.`
        : `${where} is already at the latest schema.`,
    );
  } finally {
    await store.close();
  }
});
