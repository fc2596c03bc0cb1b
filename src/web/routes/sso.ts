import type { FastifyPluginAsync } from 'fastify';
import { isLowerRole } from '../../model/user.ts';
import type { WebContext } from '../context.ts';
import { SsoRejectedError, SsoUnknownTenantError } from '../errors.ts';
import { startSession } from '../session/session.ts';
import { acsUrl, CLOCK_SKEW_MS, createServiceProviders } from '../sso/service-providers.ts';
import { type VerifiedSignIn, verifySignIn } from '../sso/verified-sign-in.ts';
import { errorPage } from '../views/layout.ts';

/** Where to go after signing in: `settings` always opens the connector page, even when linked. */
const RELAY_STATES = new Set(['', 'settings']);

export const LOGIN_RATE_LIMIT = { max: 30, timeWindow: '1 minute' } as const;

/**
 * Launch from the dashboard: `GET /maestrano/auth/saml/init/:tenant` sends the AuthnRequest to the tenant's
 * IdP; `POST /maestrano/auth/saml/consume/:tenant` checks the signed Response, creates or updates the user,
 * the organization and the membership, starts the session, and opens Constant Contact's app when the
 * organization is linked (the connector page otherwise, or with `?to=settings`).
 */
export const ssoRoutes: FastifyPluginAsync<{ ctx: WebContext }> = async (app, { ctx }) => {
  const providers = createServiceProviders(ctx.config.tenants, ctx.config.server.publicUrl, ctx.sharedState);
  const providerFor = (tenantId: string) => {
    const provider = providers.get(tenantId);
    if (!provider)
      throw new SsoUnknownTenantError(`The connector is not configured for the platform "${tenantId}".`);
    return provider;
  };

  app.get<{ Params: { tenant: string }; Querystring: { group_id?: string; to?: string } }>(
    '/maestrano/auth/saml/init/:tenant',
    { config: { rateLimit: LOGIN_RATE_LIMIT } },
    async (req, reply) => {
      const provider = providerFor(req.params.tenant);
      const relayState = req.query.to === 'settings' ? 'settings' : '';
      const additionalParams: Record<string, string> = {};
      if (req.query.group_id) additionalParams.group_id = req.query.group_id;
      const url = await provider.getAuthorizeUrlAsync(relayState, undefined, { additionalParams });
      return reply.redirect(url);
    },
  );

  app.post<{ Params: { tenant: string }; Body: { SAMLResponse?: string; RelayState?: string } }>(
    '/maestrano/auth/saml/consume/:tenant',
    { config: { rateLimit: LOGIN_RATE_LIMIT } },
    async (req, reply) => {
      const tenant = req.params.tenant;
      const provider = providerFor(tenant);
      const samlResponse = req.body?.SAMLResponse;
      if (typeof samlResponse !== 'string' || samlResponse === '') {
        throw new SsoRejectedError('The sign-in from the platform carried no SAMLResponse.');
      }
      const signIn = await verifySignIn(provider, samlResponse, acsUrl(ctx.config.server.publicUrl, tenant));
      await refuseReplayOrRevoked(ctx, tenant, signIn);
      const a = signIn.attributes;
      const existing = await ctx.repos.organizations.findByGroup(tenant, a.group_uid);
      if (existing?.deletedAt) {
        return reply
          .code(410)
          .type('text/html')
          .send(
            errorPage(
              'Organization deleted',
              'This organization was deleted on the platform; the connector no longer shares its data.',
            ),
          );
      }
      const user = await ctx.repos.users.upsert({
        tenant,
        uid: a.uid,
        email: a.email,
        firstName: a.name ?? null,
        lastName: a.surname ?? null,
      });
      const organization = await ctx.repos.organizations.upsert({
        tenant,
        groupUid: a.group_uid,
        name: a.group_name,
      });
      const before = await ctx.repos.users.findMembership(user.id, organization.id);
      // A lower role than before: any assertion issued earlier (with the higher one) is refused from now on.
      if (before && isLowerRole(a.group_role, before.role)) {
        await ctx.repos.accessChanges.recordLowered(memberOf(tenant, signIn), new Date(signIn.issuedAt));
      }
      await ctx.repos.users.setMembership(user.id, organization.id, a.group_role);
      startSession(reply, ctx.session, { userId: user.id, tenant });
      req.log.info({ organizationId: organization.id, userId: user.id }, 'signed in from the platform');

      const relayState = RELAY_STATES.has(req.body?.RelayState ?? '') ? (req.body?.RelayState ?? '') : '';
      if (organization.ccAccount && relayState !== 'settings') {
        return reply.redirect(ctx.config.web.ccAppUrl, 303);
      }
      return reply.redirect(`/organizations/${organization.id}`, 303);
    },
  );
};

const memberOf = (tenant: string, { attributes }: VerifiedSignIn) => ({
  tenant,
  userUid: attributes.uid,
  groupUid: attributes.group_uid,
});

/**
 * A Response is used once: its assertion id is spent in the database until node-saml would refuse it
 * anyway (its end plus the clock skew), so a replay is refused after a restart and by any process. An
 * assertion issued before the member's access to the organization went down (removed, or a lower role)
 * is refused too: it would restore what was taken away.
 */
async function refuseReplayOrRevoked(ctx: WebContext, tenant: string, signIn: VerifiedSignIn): Promise<void> {
  const keepUntil = (signIn.notOnOrAfter ?? ctx.now().getTime() + 10 * 60_000) + CLOCK_SKEW_MS;
  const fresh = await ctx.repos.spentTokens.spend(
    'saml-assertion',
    `${tenant}:${signIn.assertionId}`,
    new Date(keepUntil),
  );
  if (!fresh) {
    throw new SsoRejectedError(
      'This sign-in was already used. Launch the connector again from your dashboard.',
    );
  }
  const lowered = await ctx.repos.accessChanges.lastLowered(memberOf(tenant, signIn));
  if (lowered && signIn.issuedAt < lowered.getTime()) {
    throw new SsoRejectedError(
      'This sign-in was issued before your access to this organization changed. Launch the connector again from your dashboard.',
    );
  }
}
