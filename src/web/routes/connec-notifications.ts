import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Tenant } from '../../config/tenants.ts';
import { ConnecBadNotificationError } from '../../connec/errors.ts';
import { type ConnecNotification, parseConnecNotification } from '../../connec/notification.ts';

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

// Hashing first gives equal lengths, so timingSafeEqual neither throws nor leaks the secret's length.
function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function basicCredentials(header: string | undefined): { user: string; password: string } | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
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
    const tenant = tenants.get(req.params.tenant);
    const credentials = basicCredentials(req.headers.authorization);
    // Both comparisons always run, so an unknown tenant takes as long as a wrong key.
    const idOk = sameSecret(credentials?.user ?? '', tenant?.apiId ?? '\u0000');
    const keyOk = sameSecret(credentials?.password ?? '', tenant?.apiKey ?? '\u0000');
    if (!tenant || !credentials || !idOk || !keyOk) return unauthorized(reply);

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
