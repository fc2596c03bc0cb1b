import { loadConfig } from '../config/config.ts';
import { createConnector } from '../connector.ts';
import { createLogger } from '../logger.ts';
import { runCommand } from './run-command.ts';

const USAGE = `Usage: npm run cli -- <command>

Commands:
  rotate-key   Re-encrypt stored tokens under the current ENCRYPTION_KEY (after moving the old key to
               ENCRYPTION_PREVIOUS_KEYS). Prints how many organizations were rewritten.`;

runCommand(async () => {
  const [command] = process.argv.slice(2);
  switch (command) {
    case 'rotate-key': {
      const config = loadConfig();
      const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
      const connector = await createConnector(config, logger);
      try {
        const count = await connector.repositories.organizations.reencryptTokens();
        console.log(`Re-encrypted the tokens of ${count} organization(s) under the current key.`);
      } finally {
        await connector.close();
      }
      return;
    }
    case undefined:
    case 'help':
    case '--help':
      console.log(USAGE);
      return;
    default:
      process.stderr.write(`Unknown command "${command}".\n\n${USAGE}\n`);
      process.exit(2);
  }
});
