import type { FastifyPluginAsync } from 'fastify';
import type { Store } from '../../db/database.ts';

/** `GET /healthz`: 200 when the database answers, 503 otherwise, for load balancers and supervisors. */
export const healthRoutes: FastifyPluginAsync<{ store: Store }> = async (app, { store }) => {
  const database = store.kind === 'sqlite' ? 'sqlite' : 'postgres';
  app.get('/healthz', async (_req, reply) => {
    try {
      await store.ping();
      return { status: 'ok', database };
    } catch (error) {
      app.log.error({ err: error }, 'health check: database does not answer');
      return reply
        .code(503)
        .send({ status: 'unavailable', database, error: 'The database does not answer.' });
    }
  });
};
