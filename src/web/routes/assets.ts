import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { FastifyPluginAsync } from 'fastify';
import { STYLESHEET } from '../views/styles.ts';

const require = createRequire(import.meta.url);

/** The stylesheet and htmx, served by the connector itself so the CSP allows only our own origin. */
export const assetRoutes: FastifyPluginAsync = async (app) => {
  const htmx = readFileSync(require.resolve('htmx.org/dist/htmx.min.js'), 'utf8');
  const cache = 'public, max-age=3600';
  app.get('/assets/htmx.min.js', async (_req, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', cache).send(htmx),
  );
  app.get('/favicon.ico', async (_req, reply) => reply.code(204).header('cache-control', cache).send());
  app.get('/assets/connector.css', async (_req, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', cache).send(STYLESHEET),
  );
};
