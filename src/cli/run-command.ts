import { ConfigError } from '../config/config-error.ts';
import { ConnectorError } from '../errors.ts';

/**
 * Runs a command-line entry point. A configuration or other expected error prints its one-line message
 * (no stack trace) and exits 1; anything unexpected prints in full, since it is a bug to report.
 */
export function runCommand(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${error.message}\n`);
    } else if (error instanceof ConnectorError) {
      process.stderr.write(`${error.code}: ${error.message}\n`);
    } else {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
    process.exit(1);
  });
}
