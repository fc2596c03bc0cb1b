import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { ConstantContactClient } from '../../constantcontact/client.ts';
import {
  CcAuthorizationDeniedError,
  CcOAuthStateMismatchError,
  CcTimeoutError,
  CcUnavailableError,
  CcUnexpectedResponseError,
} from '../../constantcontact/errors.ts';
import type { CcTokenSet } from '../../constantcontact/types.ts';
import { CcAccountAlreadyLinkedError } from '../../db/db-errors.ts';
import { ConnectorError } from '../../errors.ts';
import { adminAccess } from '../access.ts';
import type { WebContext } from '../context.ts';
import { errorPage } from '../views/layout.ts';
import type { NoticeKey } from '../views/notices.ts';
import { LOGIN_RATE_LIMIT } from './sso.ts';

const PENDING_COOKIE = 'connector_cc_oauth';
const CALLBACK_PATH = '/constantcontact/oauth/callback';
const PENDING_TTL_MS = 15 * 60_000;

/** What is kept between sending the user to Constant Contact and their return, bound to their session. */
interface PendingLink {
  sid: string;
  organizationId: string;
  state: string;
  codeVerifier: string;
  expiresAt: number;
}

function readPending(req: FastifyRequest): PendingLink | null {
  const raw = req.cookies[PENDING_COOKIE];
  if (!raw) return null;
  const unsigned = req.unsignCookie(raw);
  if (!unsigned.valid || !unsigned.value) return null;
  try {
    return JSON.parse(Buffer.from(unsigned.value, 'base64url').toString('utf8')) as PendingLink;
  } catch {
    return null;
  }
}

/**
 * Which message the connector page shows for a refused authorization. CC's login ends a wrong username or
 * password as `access_denied` too; its description tells it from a declined consent.
 */
export function noticeForCallbackError(error: unknown): NoticeKey {
  if (error instanceof CcOAuthStateMismatchError) return 'cc_state';
  if (error instanceof CcAuthorizationDeniedError) {
    const text = error.message.toLowerCase();
    if (error.oauthError !== 'access_denied') return 'cc_oauth';
    return /password|username|credential|sign[ -]?in|log[ -]?in/.test(text) ? 'cc_credentials' : 'cc_denied';
  }
  return 'cc_oauth';
}

/**
 * Linking Constant Contact: `POST /organizations/:id/constantcontact/connect` (admins, CSRF-checked) sends the
 * browser to CC's authorize page with PKCE and a fresh state, both kept in a signed cookie tied to the
 * session; `GET /constantcontact/oauth/callback` checks the state, exchanges the code, reads the account
 * summary and links the organization, then asks for the first sync.
 */
export const ccOAuthRoutes: FastifyPluginAsync<{ ctx: WebContext }> = async (app, { ctx }) => {
  const cookieOptions = {
    signed: true,
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: ctx.session.secure,
    path: CALLBACK_PATH,
  };
  const backToPage = (reply: FastifyReply, organizationId: string, notice: NoticeKey, extra = '') =>
    reply.redirect(`/organizations/${organizationId}?notice=${notice}${extra}`, 303);

  app.post<{ Params: { organizationId: string } }>(
    '/organizations/:organizationId/constantcontact/connect',
    { config: { rateLimit: LOGIN_RATE_LIMIT } },
    async (req, reply) => {
      const { session, organization } = await adminAccess(ctx, req, req.params.organizationId);
      if (!ctx.cc) return backToPage(reply, organization.id, 'cc_not_configured');
      const request = ctx.cc.oauth.authorizationRequest();
      const pending: PendingLink = {
        sid: session.sid,
        organizationId: organization.id,
        state: request.state,
        codeVerifier: request.codeVerifier,
        expiresAt: ctx.now().getTime() + PENDING_TTL_MS,
      };
      reply.setCookie(PENDING_COOKIE, Buffer.from(JSON.stringify(pending)).toString('base64url'), {
        ...cookieOptions,
        maxAge: PENDING_TTL_MS / 1000,
      });
      return reply.redirect(request.url, 303);
    },
  );

  app.get<{ Querystring: Record<string, string | undefined> }>(
    CALLBACK_PATH,
    { config: { rateLimit: LOGIN_RATE_LIMIT } },
    async (req, reply) => {
      const pending = readPending(req);
      reply.clearCookie(PENDING_COOKIE, cookieOptions);
      const session = req.session;
      if (!session) {
        return reply
          .code(401)
          .type('text/html')
          .send(
            errorPage(
              'Session ended',
              'Your session with the connector ended before Constant Contact answered. Open the connector again from your dashboard and connect again.',
            ),
          );
      }
      if (!pending || pending.sid !== session.sid || pending.expiresAt < ctx.now().getTime()) {
        // No link in progress for this session: a forged, replayed or expired callback.
        const memberships = await ctx.repos.users.listMemberships(session.userId);
        const target = pending?.organizationId ?? memberships[0]?.organizationId;
        if (target && memberships.some((m) => m.organizationId === target)) {
          return backToPage(reply, target, 'cc_state');
        }
        return reply
          .code(400)
          .type('text/html')
          .send(errorPage('Connection not recognised', 'Start connecting again from the connector page.'));
      }
      const { organization } = await adminAccess(ctx, req, pending.organizationId);
      if (!ctx.cc) return backToPage(reply, organization.id, 'cc_not_configured');

      let code: string;
      try {
        code = ctx.cc.oauth.parseCallback(req.query, pending.state);
      } catch (error) {
        const notice = noticeForCallbackError(error);
        req.log.info({ organizationId: organization.id, notice }, 'Constant Contact authorization refused');
        return backToPage(reply, organization.id, notice);
      }

      let tokens: CcTokenSet;
      let account: { id: string; name: string };
      try {
        tokens = await ctx.cc.oauth.exchangeCode(code, pending.codeVerifier);
        account = await readAccount(ctx, tokens);
      } catch (error) {
        req.log.warn({ organizationId: organization.id, err: error }, 'linking Constant Contact failed');
        if (!(error instanceof ConnectorError)) throw error;
        const unavailable = error instanceof CcUnavailableError || error instanceof CcTimeoutError;
        return backToPage(reply, organization.id, unavailable ? 'cc_unavailable' : 'cc_exchange');
      }

      try {
        await ctx.repos.organizations.link(organization.id, account, {
          accessToken: tokens.accessToken,
          refreshToken: tokens.refreshToken,
          expiresAt: tokens.expiresAt.toISOString(),
        });
      } catch (error) {
        if (!(error instanceof CcAccountAlreadyLinkedError)) throw error;
        await ctx.cc.oauth.revoke(tokens.refreshToken).catch((revokeError: unknown) => {
          req.log.warn(
            { organizationId: organization.id, err: revokeError },
            'revoking an unused token failed',
          );
        });
        return backToPage(reply, organization.id, 'cc_taken');
      }
      await ctx.repos.auditLog.record({
        tenant: organization.tenant,
        organizationId: organization.id,
        actor: session.userId,
        event: 'organization.linked',
        details: { ccAccountId: account.id },
      });
      const requestedAt = ctx.now().toISOString();
      ctx.scheduler?.request(organization.id, 'first_link');
      req.log.info({ organizationId: organization.id, ccAccountId: account.id }, 'Constant Contact linked');
      return backToPage(reply, organization.id, 'linked', `&after=${encodeURIComponent(requestedAt)}`);
    },
  );
};

/**
 * The account behind fresh tokens, read before they are stored: a client of its own over the same rate
 * limiter, whose token store holds only these tokens.
 */
async function readAccount(ctx: WebContext, tokens: CcTokenSet): Promise<{ id: string; name: string }> {
  const { clientId, clientSecret, redirectUri, apiBaseUrl, authBaseUrl } = ctx.config.constantContact;
  let held = tokens;
  const client = new ConstantContactClient({
    config: {
      clientId: clientId ?? '',
      clientSecret: clientSecret ?? '',
      redirectUri,
      apiBaseUrl,
      authBaseUrl,
    },
    tokenStore: {
      load: async () => held,
      save: async (_id, next) => {
        held = next;
      },
    },
    ...(ctx.cc ? { rateLimiter: ctx.cc.rateLimiter, tokenRateLimiter: ctx.cc.tokenRateLimiter } : {}),
  });
  const summary = await client.forOrganization('linking').account.getSummary();
  if (!summary.encoded_account_id) {
    throw new CcUnexpectedResponseError('the account summary has no encoded_account_id', {
      method: 'GET',
      path: '/v3/account/summary',
    });
  }
  return { id: summary.encoded_account_id, name: summary.organization_name ?? '' };
}
