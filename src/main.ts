import { runCommand } from './cli/run-command.ts';
import { loadConfig } from './config/config.ts';
import { createConnector } from './connector.ts';
import { createLogger } from './logger.ts';

runCommand(async () => {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const connector = await createConnector(config, logger);
  await connector.app.listen({ host: config.server.host, port: config.server.port });
  connector.sync.scheduler?.start();
  logger.info(
    { url: config.server.publicUrl, database: config.database.kind, tenants: config.tenants.length },
    `connector ready at ${config.server.publicUrl}`,
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    connector.close().then(
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
