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
import { ConnectorError } from '../../errors.ts';
import { handBackAuthorization, linkAccount, moveAccount } from '../../lifecycle/organization-lifecycle.ts';
import type { CcAccount, CcTokens, Organization } from '../../model/organization.ts';
import { linkedElsewhereReason } from '../../model/reconnect-reasons.ts';
import { knownTimeZone, localTimes } from '../../time-text.ts';
import { adminAccess } from '../access.ts';
import { lifecycleOf, type WebContext } from '../context.ts';
import { FormInvalidError } from '../errors.ts';
import type { Session } from '../session/session.ts';
import { errorPage } from '../views/layout.ts';
import { renderLinkConfirmation } from '../views/link-confirmation.ts';
import type { NoticeKey } from '../views/notices.ts';
import { LOGIN_RATE_LIMIT } from './sso.ts';

const PENDING_COOKIE = 'connector_cc_oauth';
const CALLBACK_PATH = '/constantcontact/oauth/callback';
const PENDING_TTL_MS = 15 * 60_000;
/** How long fresh tokens wait server side for the user to confirm moving an account linked elsewhere. */
const CONFIRM_TTL_MS = 10 * 60_000;

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
 * summary and links the organization, then asks for the first sync. When another organization holds the
 * account, the callback asks first (the tokens wait server side) and
 * `POST /organizations/:id/constantcontact/confirm-link` moves it, or on cancel hands the fresh
 * authorization to the holder, whose own one CC has just expired.
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
      let account: CcAccount;
      try {
        tokens = await ctx.cc.oauth.exchangeCode(code, pending.codeVerifier);
        account = await readAccount(ctx, tokens);
      } catch (error) {
        req.log.warn({ organizationId: organization.id, err: error }, 'linking Constant Contact failed');
        if (!(error instanceof ConnectorError)) throw error;
        const unavailable = error instanceof CcUnavailableError || error instanceof CcTimeoutError;
        return backToPage(reply, organization.id, unavailable ? 'cc_unavailable' : 'cc_exchange');
      }

      const stored: CcTokens = {
        accessToken: tokens.accessToken,
        refreshToken: tokens.refreshToken,
        expiresAt: tokens.expiresAt.toISOString(),
      };
      // CC ended every earlier authorization of the account by issuing this one, those waiting for an
      // answer included: none of them may be handed back to the holder any more.
      await ctx.repos.pendingLinks.supersede(account.id);
      const holder = await ctx.repos.organizations.findByCcAccount(account.id);
      if (holder && holder.id !== organization.id) {
        // CC has already ended the holder's refresh token by issuing these; still, our link moves only
        // once the user has read what it does.
        const waiting = await ctx.repos.pendingLinks.create({
          organizationId: organization.id,
          sessionId: session.sid,
          account,
          tokens: stored,
          ttlMs: CONFIRM_TTL_MS,
        });
        req.log.info(
          { organizationId: organization.id, heldBy: holder.id, ccAccountId: account.id },
          'Constant Contact account is linked to another organization; asking before moving it',
        );
        return reply.type('text/html').send(
          renderLinkConfirmation({
            organization,
            accountName: account.name || account.id,
            otherOrganizationName: (await mayKnow(ctx, session, holder)) ? holder.name : null,
            pendingId: waiting.id,
            expiresAt: waiting.expiresAt,
            times: localTimes(account.timeZone ?? organization.timeZone, ctx.now()),
            csrfToken: session.csrf,
          }),
        );
      }
      return finishLink(reply, organization, session, account, stored);
    },
  );

  app.post<{ Params: { organizationId: string }; Body: Record<string, string | undefined> }>(
    '/organizations/:organizationId/constantcontact/confirm-link',
    { config: { rateLimit: LOGIN_RATE_LIMIT } },
    async (req, reply) => {
      const { session, organization } = await adminAccess(ctx, req, req.params.organizationId);
      const decision = req.body?.decision;
      if (decision !== 'confirm' && decision !== 'cancel') {
        throw new FormInvalidError('decision must be one of confirm, cancel.');
      }
      const waiting = await ctx.repos.pendingLinks.take(req.body?.pending ?? '', {
        organizationId: organization.id,
        sessionId: session.sid,
      });
      if (!waiting) return backToPage(reply, organization.id, 'cc_link_expired');
      if (decision === 'cancel') {
        // CC ended the holder's refresh token when it issued these: handing them over keeps it sharing.
        await handBackAuthorization(lifecycleOf(ctx), waiting, session.userId);
        return backToPage(reply, organization.id, 'cc_link_cancelled');
      }

      const { account, tokens } = waiting;
      const holder = await ctx.repos.organizations.findByCcAccount(account.id);
      const elsewhere = holder && holder.id !== organization.id ? holder : null;
      if (!elsewhere) return finishLink(reply, organization, session, account, tokens);
      const reason = linkedElsewhereReason({
        accountName: account.name || account.id,
        organizationName: elsewhere.tenant === organization.tenant ? organization.name : null,
        at: ctx.now(),
      });
      const requestedAt = ctx.now();
      const moved = await moveAccount(
        lifecycleOf(ctx),
        { from: elsewhere, to: organization, account, tokens, reason },
        session.userId,
      );
      if (moved === 'taken') return backToPage(reply, organization.id, 'cc_taken');
      return linked(reply, organization, requestedAt);
    },
  );

  /** Links the organization (relinking its own account only renews its tokens) and starts the first run. */
  async function finishLink(
    reply: FastifyReply,
    organization: Organization,
    session: Session,
    account: CcAccount,
    tokens: CcTokens,
  ) {
    const requestedAt = ctx.now();
    const outcome = await linkAccount(lifecycleOf(ctx), organization, account, tokens, session.userId);
    if (outcome === 'taken') return backToPage(reply, organization.id, 'cc_taken');
    return linked(reply, organization, requestedAt);
  }

  /** Back to the page, which follows the first run from the moment it was asked for. */
  function linked(reply: FastifyReply, organization: Organization, requestedAt: Date) {
    const after = encodeURIComponent(requestedAt.toISOString());
    return backToPage(reply, organization.id, 'linked', `&after=${after}`);
  }
};

/** Whether the signed-in user may see the other organization's name: only as one of its members. */
async function mayKnow(ctx: WebContext, session: Session, other: Organization): Promise<boolean> {
  if (other.tenant !== session.tenant || other.deletedAt) return false;
  return Boolean(await ctx.repos.users.findMembership(session.userId, other.id));
}

/**
 * The account behind fresh tokens, read before they are stored: a client of its own over the same rate
 * limiter, whose token store holds only these tokens.
 */
async function readAccount(ctx: WebContext, tokens: CcTokenSet): Promise<CcAccount> {
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
  return {
    id: summary.encoded_account_id,
    name: summary.organization_name ?? '',
    timeZone: knownTimeZone(summary.time_zone_id),
  };
}
