import type { FastifyInstance } from 'fastify';

/** What the emulator reports as Connec!'s version; the real payload's fields are not documented. */
export const CONNEC_VERSION = { app: 'connec', version: '2.0.0-sandbox', api: 'v2', environment: 'sandbox' };

/**
 * `GET {connec_host}/version`: which Connec! answers, without credentials, so a connector or an operator can
 * check the host is Connec! and up before calling the API.
 */
export function registerVersionRoute(app: FastifyInstance): void {
  app.get('/version', async () => CONNEC_VERSION);
}
