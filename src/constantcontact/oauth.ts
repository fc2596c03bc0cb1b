import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { CcCallMetrics } from './call-metrics.ts';
import { type ClientClock, systemClientClock } from './clock.ts';
import { parseRetryAfter } from './error-mapping.ts';
import {
  CcAuthorizationDeniedError,
  CcNeedsReconnectError,
  CcOAuthError,
  CcOAuthStateMismatchError,
  CcRateLimitedError,
  type CcRequestContext,
  CcUnavailableError,
  CcUnexpectedResponseError,
} from './errors.ts';
import { fetchWithTimeout } from './fetch-with-timeout.ts';
import type { RateLimiter } from './rate-limiter.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, withRetry } from './retry-policy.ts';
import { type CcScope, type CcTokenSet, CONNECTOR_SCOPES } from './types.ts';

const OAUTH_PATH = '/oauth2/default/v1';

export interface CcOAuthOptions {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** e.g. https://authz.constantcontact.com; endpoints live under /oauth2/default/v1. */
  authBaseUrl: string;
  timeoutMs?: number;
  retryPolicy?: RetryPolicy;
  clock?: ClientClock;
  fetch?: typeof fetch;
  /** Spaces token requests (the endpoint's own limit, shared by the process); none when absent. */
  tokenRateLimiter?: RateLimiter;
  /** For tests: the jitter source of back-off. */
  random?: () => number;
  /** Counts every call to the token endpoint by how it ended. */
  metrics?: CcCallMetrics | undefined;
}

/** What to keep (server side, tied to the user's session) between redirecting and the callback. */
export interface CcAuthorizationRequest {
  url: string;
  state: string;
  /** The PKCE secret; sent only with the code exchange. */
  codeVerifier: string;
}

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.coerce.number().positive(),
  scope: z.string().optional(),
  token_type: z.string().optional(),
});

const oauthErrorSchema = z.object({ error: z.string(), error_description: z.string().optional() });

/**
 * Constant Contact's OAuth 2 authorization-code flow with PKCE (S256): the authorization URL, the callback
 * check, the code exchange, refresh and revocation. The client authenticates with HTTP Basic. Token
 * requests go through the token-endpoint limiter, and a 429 from the endpoint is retried with back-off: it
 * says "not now", never that the grant is gone.
 */
export class CcOAuth {
  readonly #options: CcOAuthOptions;
  readonly #timeoutMs: number;
  readonly #clock: ClientClock;

  constructor(options: CcOAuthOptions) {
    this.#options = options;
    this.#timeoutMs = options.timeoutMs ?? 15_000;
    this.#clock = options.clock ?? systemClientClock;
  }

  /** Builds the URL to send the user's browser to, with a fresh `state` and PKCE verifier. */
  authorizationRequest(
    options: { scopes?: readonly CcScope[]; state?: string } = {},
  ): CcAuthorizationRequest {
    const state = options.state ?? randomBytes(24).toString('base64url');
    const codeVerifier = randomBytes(48).toString('base64url');
    const url = new URL(`${trimSlash(this.#options.authBaseUrl)}${OAUTH_PATH}/authorize`);
    url.search = new URLSearchParams({
      client_id: this.#options.clientId,
      redirect_uri: this.#options.redirectUri,
      response_type: 'code',
      scope: (options.scopes ?? CONNECTOR_SCOPES).join(' '),
      state,
      code_challenge: pkceChallenge(codeVerifier),
      code_challenge_method: 'S256',
    }).toString();
    return { url: url.toString(), state, codeVerifier };
  }

  /**
   * Reads the query of the redirect back to us: the authorization code, or a typed error when the user
   * refused (`error=access_denied`) or the `state` is not the one issued.
   */
  parseCallback(query: URLSearchParams | Record<string, string | undefined>, expectedState: string): string {
    const get = (key: string) =>
      (query instanceof URLSearchParams ? query.get(key) : query[key]) ?? undefined;
    if (get('state') !== expectedState) throw new CcOAuthStateMismatchError();
    const error = get('error');
    if (error) throw new CcAuthorizationDeniedError(error, get('error_description'));
    const code = get('code');
    if (!code)
      throw new CcAuthorizationDeniedError('missing_code', 'the callback carries no authorization code');
    return code;
  }

  /** Trades the callback's code (and the PKCE verifier kept since the redirect) for the first token pair. */
  exchangeCode(code: string, codeVerifier: string): Promise<CcTokenSet> {
    return this.#token(
      {
        grant_type: 'authorization_code',
        code,
        redirect_uri: this.#options.redirectUri,
        code_verifier: codeVerifier,
      },
      undefined,
      (error, description) => new CcAuthorizationDeniedError(error, description),
    );
  }

  /**
   * Spends `refreshToken` for a new pair. CC rotates refresh tokens: the old one is dead once this returns,
   * so the caller must persist the result before using it. A refused token (`invalid_grant`) means only the
   * user can restore access: `CcNeedsReconnectError`.
   */
  refresh(organizationId: string, refreshToken: string): Promise<CcTokenSet> {
    return this.#token(
      { grant_type: 'refresh_token', refresh_token: refreshToken },
      refreshToken,
      (error, description) =>
        new CcNeedsReconnectError(
          organizationId,
          `Constant Contact refused the refresh token (${error}${description ? `: ${description}` : ''})`,
        ),
    );
  }

  /** Revokes a token at CC (used when an organization is deleted or disconnects). */
  async revoke(
    token: string,
    tokenTypeHint: 'access_token' | 'refresh_token' = 'refresh_token',
  ): Promise<void> {
    const context: CcRequestContext = { method: 'POST', path: `${OAUTH_PATH}/revoke` };
    const response = await this.#post(context, { token, token_type_hint: tokenTypeHint }, undefined);
    if (response.status >= 200 && response.status < 300) return;
    throw this.#errorFor(response.status, response.text, context, (e, d) => new CcOAuthError(e, d));
  }

  async #token(
    form: Record<string, string>,
    previousRefreshToken: string | undefined,
    grantRefused: (error: string, description: string | undefined) => Error,
  ): Promise<CcTokenSet> {
    const context: CcRequestContext = { method: 'POST', path: `${OAUTH_PATH}/token` };
    const response = await this.#post(context, form, this.#options.tokenRateLimiter);
    if (response.status !== 200) throw this.#errorFor(response.status, response.text, context, grantRefused);
    const parsed = tokenResponseSchema.safeParse(safeJson(response.text));
    if (!parsed.success) {
      throw new CcUnexpectedResponseError('the token answer lacks access_token or expires_in', context, {
        cause: parsed.error,
      });
    }
    const refreshToken = parsed.data.refresh_token ?? previousRefreshToken;
    if (!refreshToken) {
      throw new CcUnexpectedResponseError(
        'the token answer has no refresh_token (offline_access missing?)',
        context,
      );
    }
    return {
      accessToken: parsed.data.access_token,
      refreshToken,
      expiresAt: new Date(this.#clock.now() + parsed.data.expires_in * 1000),
      ...(parsed.data.scope !== undefined ? { scope: parsed.data.scope } : {}),
    };
  }

  #post(context: CcRequestContext, form: Record<string, string>, limiter: RateLimiter | undefined) {
    const basic = Buffer.from(`${this.#options.clientId}:${this.#options.clientSecret}`).toString('base64');
    const url = `${trimSlash(this.#options.authBaseUrl)}${context.path}`;
    const send = () =>
      fetchWithTimeout(
        url,
        {
          method: 'POST',
          headers: {
            authorization: `Basic ${basic}`,
            'content-type': 'application/x-www-form-urlencoded',
            accept: 'application/json',
          },
          body: new URLSearchParams(form).toString(),
        },
        { timeoutMs: this.#timeoutMs, context, fetch: this.#options.fetch, metrics: this.#options.metrics },
      );
    return withRetry(
      async () => {
        const permit = limiter ? await limiter.acquire() : undefined;
        let response: Awaited<ReturnType<typeof send>>;
        try {
          response = await send();
        } finally {
          permit?.release();
        }
        if (response.status >= 500) {
          throw new CcUnavailableError(`HTTP ${response.status}`, context, { status: response.status });
        }
        if (response.status === 429) {
          const now = new Date(this.#clock.now());
          throw new CcRateLimitedError(context, parseRetryAfter(response.headers.get('retry-after'), now));
        }
        return response;
      },
      {
        policy: this.#options.retryPolicy ?? DEFAULT_RETRY_POLICY,
        clock: this.#clock,
        ...(this.#options.random ? { random: this.#options.random } : {}),
      },
    );
  }

  #errorFor(
    status: number,
    text: string,
    context: CcRequestContext,
    grantRefused: (error: string, description: string | undefined) => Error,
  ): Error {
    const parsed = oauthErrorSchema.safeParse(safeJson(text));
    if (!parsed.success) return new CcUnexpectedResponseError(`HTTP ${status}`, context, { status });
    const { error, error_description } = parsed.data;
    if (error === 'invalid_grant' || error === 'access_denied') return grantRefused(error, error_description);
    return new CcOAuthError(error, error_description);
  }
}

/** The S256 PKCE challenge of a verifier: base64url(SHA-256(verifier)). */
export function pkceChallenge(codeVerifier: string): string {
  return createHash('sha256').update(codeVerifier).digest('base64url');
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
