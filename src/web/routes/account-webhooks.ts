import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Tenant } from '../../config/tenants.ts';
import { memberRemoved, organizationDeleted } from '../../lifecycle/organization-lifecycle.ts';
import { lifecycleOf, type WebContext } from '../context.ts';
import { authenticateTenant } from '../tenant-basic-auth.ts';

type GroupParams = { group_uid: string; tenant: string };
type MemberParams = GroupParams & { user_uid: string };

/**
 * The platform's account webhooks (HTTP Basic with the tenant's API id and key). Both are idempotent: the
 * platform retries until it gets a 2xx, so an organization or member already gone answers 200 too.
 */
export const accountWebhooks: FastifyPluginAsync<{ ctx: WebContext }> = async (app, { ctx }) => {
  const tenants = new Map(ctx.config.tenants.map((t) => [t.id, t]));
  const authenticate = (
    req: FastifyRequest<{ Params: { tenant: string } }>,
    reply: FastifyReply,
  ): Tenant | null => {
    const tenant = authenticateTenant(tenants, req.params.tenant, req.headers.authorization);
    if (!tenant) {
      reply
        .code(401)
        .header('www-authenticate', 'Basic realm="connector"')
        .send({
          error: { code: 'UNAUTHORIZED', message: 'HTTP Basic with the tenant API id and key is required.' },
        });
    }
    return tenant;
  };

  /** DESIGN 4.7: sharing stops at once and for good. */
  app.delete<{ Params: GroupParams }>('/maestrano/account/groups/:group_uid/:tenant', async (req, reply) => {
    const tenant = authenticate(req, reply);
    if (!tenant) return reply;
    const organization = await ctx.repos.organizations.findByGroup(tenant.id, req.params.group_uid);
    if (organization) await organizationDeleted(lifecycleOf(ctx), organization);
    return { deleted: true };
  });

  app.delete<{ Params: MemberParams }>(
    '/maestrano/account/groups/:group_uid/users/:user_uid/:tenant',
    async (req, reply) => {
      const tenant = authenticate(req, reply);
      if (!tenant) return reply;
      await memberRemoved(lifecycleOf(ctx), {
        tenant: tenant.id,
        userUid: req.params.user_uid,
        groupUid: req.params.group_uid,
      });
      return { removed: true };
    },
  );
};
