import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { CcAccountRegistry } from './account-registry.ts';
import type { CcKnobs } from './cc-knobs.ts';
import { escapeHtml, hiddenInputs, htmlPage } from './html.ts';
import type { LoginSessions } from './login-sessions.ts';
import { ccScopes, isOAuthError, type OAuthAuthority, type OAuthError } from './oauth-authority.ts';
import type { TokenEndpointLimiter } from './token-rate-limiter.ts';

export const oauthBase = '/oauth2/default/v1';

/** An authorize request waiting for the user to sign in and consent. */
interface PendingAuthorization {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  state?: string;
  codeChallenge?: string;
}

type Form = Record<string, string | undefined>;

function redirectWith(
  reply: FastifyReply,
  redirectUri: string,
  params: Record<string, string | undefined>,
): FastifyReply {
  const url = new URL(redirectUri);
  for (const [key, value] of Object.entries(params))
    if (value !== undefined) url.searchParams.set(key, value);
  return reply.redirect(url.toString(), 302);
}

function sendOAuthError(reply: FastifyReply, e: OAuthError): FastifyReply {
  return reply
    .code(e.status)
    .header('cache-control', 'no-store')
    .send({ error: e.error, error_description: e.error_description });
}

/**
 * CC's authorization server (authz.constantcontact.com): the authorize page with a login form and a
 * consent step, the token endpoint (HTTP Basic client authentication, its own per-application rate limit)
 * and token revocation.
 */
export async function oauthRoutes(
  app: FastifyInstance,
  deps: {
    oauth: OAuthAuthority;
    accounts: CcAccountRegistry;
    sessions: LoginSessions;
    tokenLimiter: TokenEndpointLimiter;
    knobs: Pick<CcKnobs, 'retryAfterHeader'>;
  },
): Promise<void> {
  const pending = new Map<string, PendingAuthorization>();

  function consentPage(reply: FastifyReply, requestId: string, accountId: string): FastifyReply {
    const request = pending.get(requestId)!;
    const account = deps.accounts.get(accountId);
    const client = deps.oauth.client(request.clientId);
    const scopes = request.scopes.map((s) => `<li>${escapeHtml(s)}</li>`).join('');
    const body = `<p>Signed in as <strong>${escapeHtml(account.username)}</strong> (${escapeHtml(account.summary.organization_name)}).</p>
<p>The application <strong>${escapeHtml(client?.clientId ?? request.clientId)}</strong> asks for access to your Constant Contact account:</p>
<ul>${scopes}</ul>
<form method="post" action="${oauthBase}/authorize/consent">
${hiddenInputs({ request_id: requestId })}
<button type="submit" name="decision" value="allow">Allow access</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>`;
    return reply.type('text/html; charset=utf-8').send(htmlPage('Allow access?', body));
  }

  function loginPage(reply: FastifyReply, requestId: string, status = 200): FastifyReply {
    const body = `<form method="post" action="${oauthBase}/authorize/login">
${hiddenInputs({ request_id: requestId })}
<label for="username">Username</label>
<input id="username" name="username" autocomplete="username" required>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Log in</button>
</form>`;
    return reply
      .code(status)
      .type('text/html; charset=utf-8')
      .send(htmlPage('Log in to Constant Contact', body));
  }

  app.get<{ Querystring: Form }>(`${oauthBase}/authorize`, async (req, reply) => {
    const q = req.query;
    const client = q.client_id ? deps.oauth.client(q.client_id) : undefined;
    // Without a known client and one of its redirect URIs there is nowhere safe to send an error.
    if (!client || !q.redirect_uri || !client.redirectUris.includes(q.redirect_uri)) {
      return reply
        .code(400)
        .type('text/html; charset=utf-8')
        .send(
          htmlPage(
            'Invalid request',
            '<p class="error">Unknown client_id or redirect_uri not registered for it.</p>',
          ),
        );
    }
    const fail = (error: string, description: string) =>
      redirectWith(reply, q.redirect_uri!, { error, error_description: description, state: q.state });
    if (q.response_type !== 'code') return fail('unsupported_response_type', 'response_type must be code.');
    const scopes = (q.scope ?? '').split(/[\s+]+/).filter(Boolean);
    if (scopes.length === 0) return fail('invalid_scope', 'At least one scope is required.');
    const unknown = scopes.filter((s) => !(ccScopes as readonly string[]).includes(s));
    if (unknown.length > 0) return fail('invalid_scope', `Unknown scope: ${unknown.join(' ')}.`);
    if (q.code_challenge && q.code_challenge_method !== 'S256') {
      return fail('invalid_request', 'code_challenge_method must be S256.');
    }
    const requestId = randomBytes(18).toString('base64url');
    const request: PendingAuthorization = { clientId: client.clientId, redirectUri: q.redirect_uri, scopes };
    if (q.state !== undefined) request.state = q.state;
    if (q.code_challenge) request.codeChallenge = q.code_challenge;
    pending.set(requestId, request);
    const signedIn = deps.sessions.accountFor(req);
    return signedIn && deps.accounts.find(signedIn)
      ? consentPage(reply, requestId, signedIn)
      : loginPage(reply, requestId);
  });

  app.post<{ Body: Form }>(`${oauthBase}/authorize/login`, async (req, reply) => {
    const requestId = req.body?.request_id ?? '';
    const request = pending.get(requestId);
    if (!request) {
      return reply
        .code(400)
        .type('text/html; charset=utf-8')
        .send(
          htmlPage(
            'Invalid request',
            '<p class="error">This sign-in request has expired. Start again from the application.</p>',
          ),
        );
    }
    const account = deps.accounts.findByUsername(req.body.username ?? '');
    if (!account || account.password !== (req.body.password ?? '')) {
      // CC's login ends the authorization on a failed sign-in and tells the application why.
      pending.delete(requestId);
      return redirectWith(reply, request.redirectUri, {
        error: 'access_denied',
        error_description: 'The username or password is incorrect.',
        state: request.state,
      });
    }
    deps.sessions.signIn(reply, account.id);
    return consentPage(reply, requestId, account.id);
  });

  app.post<{ Body: Form }>(`${oauthBase}/authorize/consent`, async (req, reply) => {
    const requestId = req.body?.request_id ?? '';
    const request = pending.get(requestId);
    const accountId = deps.sessions.accountFor(req);
    if (!request || !accountId) {
      return reply
        .code(400)
        .type('text/html; charset=utf-8')
        .send(
          htmlPage(
            'Invalid request',
            '<p class="error">This sign-in request has expired. Start again from the application.</p>',
          ),
        );
    }
    pending.delete(requestId);
    if (req.body.decision !== 'allow') {
      return redirectWith(reply, request.redirectUri, {
        error: 'access_denied',
        error_description: 'The user denied access to the application.',
        state: request.state,
      });
    }
    const grant: Parameters<OAuthAuthority['issueCode']>[0] = {
      accountId,
      clientId: request.clientId,
      scopes: request.scopes,
      redirectUri: request.redirectUri,
    };
    if (request.codeChallenge) grant.codeChallenge = request.codeChallenge;
    return redirectWith(reply, request.redirectUri, {
      code: deps.oauth.issueCode(grant),
      state: request.state,
    });
  });

  app.post<{ Body: Form; Querystring: Form }>(`${oauthBase}/token`, async (req, reply) => {
    const client = deps.oauth.authenticateClient(req.headers.authorization);
    if (!client) {
      return sendOAuthError(reply, {
        status: 401,
        error: 'invalid_client',
        error_description: 'Client authentication failed.',
      });
    }
    const decision = deps.tokenLimiter.take(client.clientId);
    if (!decision.allowed) {
      if (deps.knobs.retryAfterHeader) reply.header('retry-after', '1');
      // The authorization server answers in its own error shape (RFC 6749 section 5.2), not the API's.
      return sendOAuthError(reply, {
        status: 429,
        error: 'too_many_requests',
        error_description: 'Too many requests: this application exceeded the token endpoint rate limit.',
      });
    }
    // CC's documentation puts the parameters in the query string; form bodies work too.
    const p: Form = { ...req.query, ...(typeof req.body === 'object' ? req.body : {}) };
    let result: ReturnType<OAuthAuthority['refresh']>;
    if (p.grant_type === 'authorization_code') {
      if (!p.code)
        return sendOAuthError(reply, {
          status: 400,
          error: 'invalid_request',
          error_description: 'code is required.',
        });
      result = deps.oauth.exchangeCode({
        client,
        code: p.code,
        redirectUri: p.redirect_uri,
        codeVerifier: p.code_verifier,
      });
    } else if (p.grant_type === 'refresh_token') {
      if (!p.refresh_token) {
        return sendOAuthError(reply, {
          status: 400,
          error: 'invalid_request',
          error_description: 'refresh_token is required.',
        });
      }
      result = deps.oauth.refresh({ client, refreshToken: p.refresh_token });
    } else {
      return sendOAuthError(reply, {
        status: 400,
        error: 'unsupported_grant_type',
        error_description: 'grant_type must be authorization_code or refresh_token.',
      });
    }
    if (isOAuthError(result)) return sendOAuthError(reply, result);
    return reply.header('cache-control', 'no-store').send(result);
  });

  app.post<{ Body: Form }>(`${oauthBase}/revoke`, async (req, reply) => {
    const client = deps.oauth.authenticateClient(req.headers.authorization);
    if (!client) {
      return sendOAuthError(reply, {
        status: 401,
        error: 'invalid_client',
        error_description: 'Client authentication failed.',
      });
    }
    const token = req.body?.token;
    if (!token)
      return sendOAuthError(reply, {
        status: 400,
        error: 'invalid_request',
        error_description: 'token is required.',
      });
    deps.oauth.revoke({ client, token });
    return reply.code(200).send();
  });
}
