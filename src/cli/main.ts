import { loadConfig } from '../config/config.ts';
import { type Connector, createConnector } from '../connector.ts';
import { createLogger } from '../logger.ts';
import { fleetCommand } from './fleet-command.ts';
import { disconnectCommand, purgeCommand, statusCommand, syncCommand } from './organization-commands.ts';
import { runCommand } from './run-command.ts';

const USAGE = `Usage: npm run cli -- <command> [options]

Commands:
  sync --tenant T --org G [--json]     Run one sync of organization G (its Connec! group id) of tenant T now
                                       and print what it did. Exits 1 when the run failed.
  status --tenant T --org G [--json]   Print the organization's link state, last runs, and the records not
                                       shared with their reasons.
  status --tenant T --org G --record K One record (K: its email, Connec! id or Constant Contact id): what it
                                       is linked to, the last change to each side, its last conflict and why.
  disconnect --tenant T --org G        Disconnect organization G from Constant Contact, as its page's button
                                       does: runs stopped, token revoked, what was known of the account erased.
  purge --tenant T --org G --yes       What the platform's organization-deleted notice does, by hand: sharing
                                       stopped for good, the organization's personal data erased (records,
                                       contacts, runs, members). Without --yes, only says what it would do.
  fleet [--json]                       Per tenant: organizations linked, needing reconnect, running now and
                                       overdue, how their last runs ended; the Constant Contact budget today.
  rotate-key                           Re-encrypt stored tokens under the current ENCRYPTION_KEY (after moving
                                       the old key to ENCRYPTION_PREVIOUS_KEYS).`;

const COMMANDS: Record<string, (connector: Connector, args: readonly string[]) => Promise<number>> = {
  sync: syncCommand,
  status: statusCommand,
  fleet: fleetCommand,
  disconnect: disconnectCommand,
  purge: purgeCommand,
  'rotate-key': async (connector) => {
    const count = await connector.repositories.organizations.reencryptTokens();
    console.log(`Re-encrypted the tokens of ${count} organization(s) under the current key.`);
    return 0;
  },
};

runCommand(async () => {
  const [name, ...args] = process.argv.slice(2);
  if (name === undefined || name === 'help' || name === '--help') {
    console.log(USAGE);
    return;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`Unknown command "${name}".\n\n${USAGE}\n`);
    process.exit(2);
  }
  const config = loadConfig();
  // Commands print their own results; the log only carries problems.
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const connector = await createConnector(config, logger);
  let code = 1;
  try {
    code = await command(connector, args);
  } finally {
    await connector.close();
  }
  process.exitCode = code;
});
