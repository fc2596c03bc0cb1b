import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { ROLES } from '../../model/user.ts';
import type { WebContext } from '../context.ts';
import { SsoRejectedError, SsoUnknownTenantError } from '../errors.ts';
import { startSession } from '../session/session.ts';
import { ConsumedAssertions } from '../sso/consumed-assertions.ts';
import { assertionIdentity, CLOCK_SKEW_MS, createServiceProviders } from '../sso/service-providers.ts';
import { errorPage } from '../views/layout.ts';

/** The attributes the platform sends (DESIGN 2.1); the others are not needed. */
const attributesSchema = z.object({
  uid: z.string().min(1),
  email: z.string().min(1),
  name: z.string().optional(),
  surname: z.string().optional(),
  group_uid: z.string().min(1),
  group_name: z.string().min(1),
  group_role: z.enum(ROLES),
});

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
  const consumed = new ConsumedAssertions(ctx.sharedState, () => ctx.now().getTime());
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
      let profile: Awaited<ReturnType<typeof provider.validatePostResponseAsync>>['profile'];
      try {
        ({ profile } = await provider.validatePostResponseAsync({ SAMLResponse: samlResponse }));
      } catch (error) {
        throw new SsoRejectedError(
          `The sign-in from the platform was refused (${(error as Error).message}). Launch the connector again from your dashboard.`,
          { cause: error },
        );
      }
      if (!profile) throw new SsoRejectedError('The platform sent no signed-in user.');

      const identity = assertionIdentity(profile.getAssertionXml?.() ?? '');
      if (!identity.id) throw new SsoRejectedError('The assertion has no ID.');
      // Kept while node-saml would still accept the assertion: until its end plus the clock skew allowed.
      const keepUntil = (identity.notOnOrAfter ?? ctx.now().getTime() + 10 * 60_000) + CLOCK_SKEW_MS;
      if (!(await consumed.consume(tenant, identity.id, keepUntil))) {
        throw new SsoRejectedError(
          'This sign-in was already used. Launch the connector again from your dashboard.',
        );
      }

      const parsed = attributesSchema.safeParse(profile);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new SsoRejectedError(
          `The platform's assertion lacks a valid attribute ${issue.path.join('.')}: ${issue.message}.`,
        );
      }
      const a = parsed.data;
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
