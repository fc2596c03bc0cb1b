import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Directory, PlatformTenant } from './directory.ts';
import { type HubApi, type HubResponse, hubError } from './hub-api.ts';

/** Authenticates a Connec! call by the tenant's API id/key; answers 401 itself when they are wrong. */
export function authenticateHubCaller(
  directory: Directory,
  req: FastifyRequest,
  reply: FastifyReply,
): PlatformTenant | null {
  const tenant = directory.authenticateTenant(req.headers.authorization);
  if (tenant) {
    req.logAccount = tenant.id;
    return tenant;
  }
  const { status, body } = hubError(
    401,
    'Unauthorized',
    'HTTP Basic with the tenant API id and key is required',
  );
  reply.code(status).header('www-authenticate', 'Basic realm="connec"').send(body);
  return null;
}

export const wantsExternalIds = (req: FastifyRequest) =>
  String(req.headers['connec-external-ids'] ?? '').toLowerCase() === 'true';

function send(reply: FastifyReply, response: HubResponse) {
  return reply.code(response.status).send(response.body);
}

/** The Connec! REST API: `{connec_host}/api/v2/{group}/{collection}[/{id}]`. */
export function registerHubRoutes(app: FastifyInstance, hub: HubApi, directory: Directory): void {
  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    const tenant = authenticateHubCaller(directory, req, reply);
    if (!tenant) return reply;
    return send(
      reply,
      hub.handle({
        tenant,
        actor: { kind: 'connector' },
        method: req.method,
        url: req.url,
        query: req.query as Record<string, unknown>,
        body: req.body,
        externalIds: wantsExternalIds(req),
      }),
    );
  };
  app.route({ method: ['GET', 'POST', 'PUT'], url: '/api/v2/:group/:collection', handler });
  app.route({ method: ['GET', 'PUT'], url: '/api/v2/:group/:collection/:id', handler });
}
