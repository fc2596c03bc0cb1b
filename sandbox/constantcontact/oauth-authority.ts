import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../shared/clock.ts';
import type { CcKnobs } from './cc-knobs.ts';

/** An application registered with CC (its "API key" and secret). */
export interface CcSeedClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

/** Scopes CC's authorization server knows. */
export const ccScopes = [
  'contact_data',
  'campaign_data',
  'account_read',
  'account_update',
  'offline_access',
  'openid',
  'profile',
] as const;

/** What the connector asks for. */
export const defaultScopes = ['contact_data', 'account_read', 'account_update', 'offline_access'];

export interface TokenResponse {
  token_type: 'Bearer';
  access_token: string;
  expires_in: number;
  scope: string;
  refresh_token?: string;
}

/** An OAuth error as the token endpoint sends it (RFC 6749 section 5.2). */
export interface OAuthError {
  status: number;
  error: string;
  error_description: string;
}

export interface AccessGrant {
  accountId: string;
  clientId: string;
  scopes: string[];
}

interface Grant extends AccessGrant {
  id: string;
  revoked: boolean;
  /** A later authorization of the same account by the same application expired its refresh tokens. */
  superseded: boolean;
}

interface AuthorizationCode {
  grantRequest: AccessGrant;
  redirectUri: string;
  codeChallenge?: string;
  expiresAt: number;
  used: boolean;
}

const codeLifetimeMs = 5 * 60 * 1000;

function opaqueToken(): string {
  return randomBytes(32).toString('base64url');
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * CC's authorization server state: clients, single-use codes, grants and their tokens. Access tokens
 * expire after the configured TTL; refresh tokens either rotate (single use, the default, as CC now
 * issues them) or live until revoked. With `newGrantRevokesEarlier` (CC's behaviour: "generating a new set
 * of tokens causes all previous refresh tokens to expire"), a new authorization of an account by an
 * application expires the refresh tokens of that pair's earlier grants; their access tokens live on until
 * their TTL.
 */
export class OAuthAuthority {
  readonly #clients = new Map<string, CcSeedClient>();
  readonly #codes = new Map<string, AuthorizationCode>();
  readonly #grants = new Map<string, Grant>();
  readonly #accessTokens = new Map<string, { grantId: string; expiresAt: number }>();
  readonly #refreshTokens = new Map<string, { grantId: string; spent: boolean }>();
  readonly #clock: Clock;
  readonly #accessTokenTtlSeconds: number;
  readonly #rotateRefreshTokens: boolean;
  readonly #knobs: Pick<CcKnobs, 'newGrantRevokesEarlier'>;

  constructor(options: {
    clock: Clock;
    accessTokenTtlSeconds: number;
    rotateRefreshTokens: boolean;
    /** Read at each new grant, so a test can change it while the emulator runs. */
    knobs: Pick<CcKnobs, 'newGrantRevokesEarlier'>;
  }) {
    this.#clock = options.clock;
    this.#accessTokenTtlSeconds = options.accessTokenTtlSeconds;
    this.#rotateRefreshTokens = options.rotateRefreshTokens;
    this.#knobs = options.knobs;
  }

  registerClient(client: CcSeedClient): void {
    this.#clients.set(client.clientId, { ...client, redirectUris: [...client.redirectUris] });
  }

  client(clientId: string): CcSeedClient | undefined {
    return this.#clients.get(clientId);
  }

  /** Reads HTTP Basic client credentials; null when absent or wrong. */
  authenticateClient(authorization: string | undefined): CcSeedClient | null {
    const match = /^Basic\s+(.+)$/i.exec(authorization ?? '');
    if (!match?.[1]) return null;
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return null;
    const clientId = decodeURIComponent(decoded.slice(0, colon));
    const secret = decodeURIComponent(decoded.slice(colon + 1));
    const client = this.#clients.get(clientId);
    return client && sameSecret(client.clientSecret, secret) ? client : null;
  }

  /** Issues a code after the user consented; valid 5 minutes and once. */
  issueCode(input: AccessGrant & { redirectUri: string; codeChallenge?: string }): string {
    const code = opaqueToken();
    const entry: AuthorizationCode = {
      grantRequest: { accountId: input.accountId, clientId: input.clientId, scopes: [...input.scopes] },
      redirectUri: input.redirectUri,
      expiresAt: this.#clock.now().getTime() + codeLifetimeMs,
      used: false,
    };
    if (input.codeChallenge) entry.codeChallenge = input.codeChallenge;
    this.#codes.set(code, entry);
    return code;
  }

  exchangeCode(input: {
    client: CcSeedClient;
    code: string;
    redirectUri: string | undefined;
    codeVerifier: string | undefined;
  }): TokenResponse | OAuthError {
    const entry = this.#codes.get(input.code);
    const invalid = invalidGrant('The authorization code is invalid or has expired.');
    if (!entry || entry.grantRequest.clientId !== input.client.clientId) return invalid;
    if (entry.used || entry.expiresAt <= this.#clock.now().getTime()) return invalid;
    if (entry.redirectUri !== input.redirectUri) {
      return invalidGrant(
        "The 'redirect_uri' does not match the redirection URI used in the authorization request.",
      );
    }
    if (entry.codeChallenge) {
      if (!input.codeVerifier) return invalidGrant('PKCE verification failed: code_verifier is required.');
      const computed = createHash('sha256').update(input.codeVerifier).digest('base64url');
      if (computed !== entry.codeChallenge) return invalidGrant('PKCE verification failed.');
    }
    entry.used = true;
    return this.#openGrant(entry.grantRequest);
  }

  refresh(input: { client: CcSeedClient; refreshToken: string }): TokenResponse | OAuthError {
    const entry = this.#refreshTokens.get(input.refreshToken);
    const grant = entry ? this.#grants.get(entry.grantId) : undefined;
    if (!entry || !grant || grant.revoked || grant.superseded || grant.clientId !== input.client.clientId) {
      return invalidGrant('The refresh token is invalid or expired.');
    }
    if (entry.spent) return invalidGrant('The refresh token is invalid or expired.');
    if (this.#rotateRefreshTokens) {
      entry.spent = true;
      return this.#tokensFor(grant, this.#newRefreshToken(grant));
    }
    return this.#tokensFor(grant, input.refreshToken);
  }

  /**
   * Tokens as if the account's user had consented (test shortcut past the browser). It opens a grant like
   * a consent does, so it expires earlier grants too: a shortcut that skipped CC's rule would let a test
   * pass that fails against CC.
   */
  grantTokens(grant: AccessGrant): TokenResponse {
    return this.#openGrant(grant);
  }

  /** Revokes the grant behind an access or refresh token: every token of it stops working. */
  revoke(input: { client: CcSeedClient; token: string }): void {
    const grantId =
      this.#accessTokens.get(input.token)?.grantId ?? this.#refreshTokens.get(input.token)?.grantId;
    const grant = grantId ? this.#grants.get(grantId) : undefined;
    if (grant && grant.clientId === input.client.clientId) grant.revoked = true;
  }

  /** The grant behind a bearer token; null when unknown, expired or revoked. */
  verifyAccessToken(token: string): AccessGrant | null {
    const entry = this.#accessTokens.get(token);
    if (!entry || entry.expiresAt <= this.#clock.now().getTime()) return null;
    const grant = this.#grants.get(entry.grantId);
    if (!grant || grant.revoked) return null;
    return { accountId: grant.accountId, clientId: grant.clientId, scopes: [...grant.scopes] };
  }

  #openGrant(request: AccessGrant): TokenResponse {
    if (this.#knobs.newGrantRevokesEarlier) {
      for (const earlier of this.#grants.values()) {
        if (earlier.accountId === request.accountId && earlier.clientId === request.clientId) {
          earlier.superseded = true;
        }
      }
    }
    const grant: Grant = {
      ...request,
      scopes: [...request.scopes],
      id: randomUUID(),
      revoked: false,
      superseded: false,
    };
    this.#grants.set(grant.id, grant);
    const refreshToken = grant.scopes.includes('offline_access') ? this.#newRefreshToken(grant) : undefined;
    return this.#tokensFor(grant, refreshToken);
  }

  #newRefreshToken(grant: Grant): string {
    const token = opaqueToken();
    this.#refreshTokens.set(token, { grantId: grant.id, spent: false });
    return token;
  }

  #tokensFor(grant: Grant, refreshToken: string | undefined): TokenResponse {
    const accessToken = opaqueToken();
    this.#accessTokens.set(accessToken, {
      grantId: grant.id,
      expiresAt: this.#clock.now().getTime() + this.#accessTokenTtlSeconds * 1000,
    });
    const response: TokenResponse = {
      token_type: 'Bearer',
      access_token: accessToken,
      expires_in: this.#accessTokenTtlSeconds,
      scope: grant.scopes.join(' '),
    };
    if (refreshToken) response.refresh_token = refreshToken;
    return response;
  }
}

function invalidGrant(description: string): OAuthError {
  return { status: 400, error: 'invalid_grant', error_description: description };
}

export function isOAuthError(x: TokenResponse | OAuthError): x is OAuthError {
  return 'error' in x;
}
