import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Tenant } from '../../config/tenants.ts';
import { ConnecBadNotificationError } from '../../connec/errors.ts';
import { type ConnecNotification, parseConnecNotification } from '../../connec/notification.ts';
import { authenticateTenant } from '../tenant-basic-auth.ts';

export interface ConnecNotificationsOptions {
  tenants: Tenant[];
  /**
   * The collections the connector shares beyond people, organizations, employees and company (the mapping
   * registry's); records of any other collection are ignored.
   */
  collections?: readonly string[];
  /** Records the notification for later work (the job queue); must not run a sync inside the request. */
  onNotification: (tenant: Tenant, notification: ConnecNotification) => Promise<void>;
}

function unauthorized(reply: FastifyReply) {
  return reply
    .code(401)
    .header('www-authenticate', 'Basic realm="connector"')
    .send({
      error: { code: 'UNAUTHORIZED', message: 'HTTP Basic with the tenant API id and key is required.' },
    });
}

/**
 * `POST /maestrano/connec/notifications/:tenant`: Connec! tells us what other apps changed. Checks the
 * tenant's credentials (401), reads the body (400 with what is wrong, nothing handed on), hands the parsed
 * notification to `onNotification` and answers 202. A failing `onNotification` answers 500, so Connec!
 * sends the notification again.
 */
export const connecNotificationsRoutes: FastifyPluginAsync<ConnecNotificationsOptions> = async (
  app,
  options,
) => {
  const tenants = new Map(options.tenants.map((t) => [t.id, t]));

  // The body is read raw so a malformed one gets our message, not the framework's, and any content type
  // Connec! might send is read the same way. Scoped to this plugin.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.post<{ Params: { tenant: string } }>('/maestrano/connec/notifications/:tenant', async (req, reply) => {
    const tenant = authenticateTenant(tenants, req.params.tenant, req.headers.authorization);
    if (!tenant) return unauthorized(reply);

    let notification: ConnecNotification;
    try {
      notification = parseConnecNotification(
        typeof req.body === 'string' ? req.body : '',
        options.collections ?? [],
      );
    } catch (error) {
      if (error instanceof ConnecBadNotificationError) {
        return reply.code(400).send({ error: { code: error.code, message: error.message } });
      }
      throw error;
    }
    await options.onNotification(tenant, notification);
    return reply.code(202).send({ accepted: notification.entries.length });
  });
};
