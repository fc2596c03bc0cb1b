import Fastify from 'fastify';
import type { Config } from '../config/config.ts';
import type { Store } from '../db/database.ts';
import type { Repositories } from '../db/repositories/index.ts';
import type { Logger } from '../logger.ts';
import { healthRoutes } from './routes/health.ts';

export interface AppDependencies {
  config: Config;
  store: Store;
  repositories: Repositories;
  logger: Logger;
}

/** Builds the web app without listening, so tests drive it with `app.inject()`. */
export async function buildApp(deps: AppDependencies) {
  const app = Fastify({ loggerInstance: deps.logger, trustProxy: true });
  await app.register(healthRoutes, { store: deps.store });
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
