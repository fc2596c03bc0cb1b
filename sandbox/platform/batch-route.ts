import type { FastifyInstance } from 'fastify';
import type { Directory } from './directory.ts';
import { type HubApi, hubError } from './hub-api.ts';
import { authenticateHubCaller, wantsExternalIds } from './hub-routes.ts';
import { isObject } from './hub-validation.ts';

export const MAX_BATCH_OPS = 100;

/**
 * `POST {connec_host}/batch`: `{sequential: true, ops: [{method, url, params}]}` runs each operation as if
 * called alone and answers `{results: [{status, body}]}` in order; one failing op does not stop the others.
 */
export function registerBatchRoute(app: FastifyInstance, hub: HubApi, directory: Directory): void {
  app.post('/batch', async (req, reply) => {
    const tenant = authenticateHubCaller(directory, req, reply);
    if (!tenant) return reply;
    const body = req.body;
    const ops = isObject(body) ? body.ops : undefined;
    if (!Array.isArray(ops) || ops.length === 0 || ops.length > MAX_BATCH_OPS) {
      const { status, body: error } = hubError(
        400,
        'Invalid batch',
        `the body must be {"sequential": true, "ops": [...]} with 1 to ${MAX_BATCH_OPS} ops`,
      );
      return reply.code(status).send(error);
    }
    const externalIds = wantsExternalIds(req);
    const results = ops.map((op, i) => {
      if (!isObject(op) || typeof op.method !== 'string' || typeof op.url !== 'string') {
        return hubError(400, 'Invalid operation', `ops[${i}] must be {method, url, params}`);
      }
      return hub.handle({
        tenant,
        actor: { kind: 'connector' },
        method: op.method,
        url: op.url,
        body: op.params,
        externalIds,
      });
    });
    return reply.code(200).send({ results });
  });
}
