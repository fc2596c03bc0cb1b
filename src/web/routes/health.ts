import type { FastifyPluginAsync } from 'fastify';
import type { Store } from '../../db/database.ts';
import { redisAnswers, type SharedRedis } from '../../redis/redis-connection.ts';

export interface HealthOptions {
  store: Store;
  /** Scale-out mode's Redis (queue, shared budget, locks); null in embedded mode. */
  redis?: SharedRedis | null;
}

/**
 * `GET /livez`: liveness, 200 while the process serves requests (a supervisor restarts it otherwise).
 * `GET /healthz`: readiness, 200 when the database and, in scale-out mode, Redis answer; 503 naming what is
 * down otherwise, so a load balancer sends no traffic to a process that cannot serve it (restarting it would
 * not help: it is what it depends on that is down).
 */
export const healthRoutes: FastifyPluginAsync<HealthOptions> = async (app, { store, redis }) => {
  const database = store.kind === 'sqlite' ? 'sqlite' : 'postgres';

  app.get('/livez', async () => ({ status: 'ok' }));

  app.get('/healthz', async (_req, reply) => {
    const [databaseUp, redisUp] = await Promise.all([
      store.ping().then(
        () => true,
        (error: unknown) => {
          app.log.error({ err: error }, 'readiness: the database does not answer');
          return false;
        },
      ),
      redis ? redisAnswers(redis) : Promise.resolve(null),
    ]);
    if (redisUp === false) app.log.error({ redis: redis?.url }, 'readiness: Redis does not answer');
    const figures = { database, ...(redisUp === null ? {} : { redis: redisUp ? 'ok' : 'down' }) };
    if (databaseUp && redisUp !== false) return { status: 'ok', ...figures };
    const down = [...(databaseUp ? [] : ['database']), ...(redisUp === false ? ['redis'] : [])];
    return reply.code(503).send({ status: 'unavailable', ...figures, down, error: downMessage(down) });
  });
};

function downMessage(down: readonly string[]): string {
  if (down.length === 2) return 'The database and Redis do not answer.';
  return down[0] === 'database' ? 'The database does not answer.' : 'Redis does not answer.';
}
