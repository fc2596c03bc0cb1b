import { join } from 'node:path';
import { runCommand } from './cli/run-command.ts';
import { loadConfig } from './config/config.ts';
import { createConnector } from './connector.ts';
import { demoInstructions, isDemoConfig, startDemo } from './demo/start-demo.ts';
import { createLogger } from './logger.ts';

/**
 * How long a stop may take before the process exits anyway: under the 10 s orchestrators (and `docker
 * stop`) wait before killing, so the exit is ours and says why.
 */
const STOP_DEADLINE_MS = 8_000;

runCommand(async () => {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  let close: () => Promise<void>;
  if (isDemoConfig(config)) {
    // No tenants and no Constant Contact application: nothing real to talk to, so bring the sandbox along.
    const demo = await startDemo({ config, logger });
    close = () => demo.close();
    console.log(demoInstructions(demo, join(config.dataDir, 'sandbox.json')));
  } else {
    const connector = await createConnector(config, logger);
    await connector.app.listen({ host: config.server.host, port: config.server.port });
    connector.sync.scheduler?.start();
    connector.alerts.start();
    close = () => connector.close();
  }
  logger.info(
    { url: config.server.publicUrl, database: config.database.kind, demo: isDemoConfig(config) },
    `connector ready at ${config.server.publicUrl}`,
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    const deadline = setTimeout(() => {
      logger.error({ deadlineMs: STOP_DEADLINE_MS }, 'the connector did not stop in time; exiting');
      process.exit(1);
    }, STOP_DEADLINE_MS);
    deadline.unref();
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
});
