import formbody from '@fastify/formbody';
import Fastify, { type FastifyError, type FastifyRequest } from 'fastify';
import { type Clock, systemClock } from '../shared/clock.ts';
import { installTestKnobs, RequestLog } from '../shared/test-knobs.ts';
import { CcAccountRegistry, type CcSeedAccount } from './account-registry.ts';
import { accountRoutes } from './account-routes.ts';
import { activityRoutes } from './activity-routes.ts';
import { ActivityRunner } from './activity-runner.ts';
import { installApiGateway } from './api-auth.ts';
import { appRoutes } from './app-routes.ts';
import { ccError } from './cc-errors.ts';
import { type CcKnobs, defaultCcKnobs } from './cc-knobs.ts';
import { contactListRoutes } from './contact-list-routes.ts';
import { contactRoutes } from './contact-routes.ts';
import { customFieldRoutes } from './custom-field-routes.ts';
import { LoginSessions } from './login-sessions.ts';
import { type CcSeedClient, defaultScopes, OAuthAuthority } from './oauth-authority.ts';
import { oauthBase, oauthRoutes } from './oauth-routes.ts';
import { ClientRateLimiter } from './rate-limiter.ts';
import { signUpFormRoutes } from './sign-up-form-routes.ts';
import { TokenEndpointLimiter } from './token-rate-limiter.ts';

export type { CcAccountRegistry, CcSeedAccount } from './account-registry.ts';
export { type CcAccount, type CcContactInput, CcUserActionError } from './account-state.ts';
export type { CcAccountSummary, CcPhysicalAddress } from './account-summary.ts';
export { type ActivityState, activityTransitions } from './activity-runner.ts';
export { importLimits } from './bulk-work.ts';
export type { CcErrorEntry } from './cc-errors.ts';
export { type ActivityOutcome, type CcKnobs, defaultCcKnobs } from './cc-knobs.ts';
export type { CcContactResource } from './contact-representation.ts';
export { ccLimits } from './contact-validation.ts';
export { customFieldLimits } from './custom-fields.ts';
export { type CcSeedClient, ccScopes, defaultScopes } from './oauth-authority.ts';
export { oauthBase } from './oauth-routes.ts';

export interface CcEmulatorOptions {
  /** Default 0 (a free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  clock?: Clock;
  accounts?: CcSeedAccount[];
  /** Registered applications; default: `defaultCcClient`. */
  clients?: CcSeedClient[];
  /** Requests per second per client id (default 4). */
  ratePerSecond?: number;
  /** Requests per UTC day per client id (default 10,000). */
  dailyQuota?: number;
  /** Default 86,400 (24 h, as CC). */
  accessTokenTtlSeconds?: number;
  /** Default true: a refresh token works once. False: it lives until revoked. */
  rotateRefreshTokens?: boolean;
  /** How long a bulk activity stays in each of `initialized` and `processing` (default 500 ms). */
  activityStepMs?: number;
  knobs?: Partial<CcKnobs>;
  /** Source of randomness for the fault knobs, so a test can make faults deterministic. */
  random?: () => number;
  /** Called for every /v3 request and its answer (the contract check hooks in here). */
  onExchange?: (x: CcExchange) => void;
}

export interface CcExchange {
  method: string;
  /** The path without the query string, e.g. `/v3/contacts/0f3c...`. */
  path: string;
  query: Record<string, string | string[]>;
  requestBody: unknown;
  status: number;
  responseBody: unknown;
}

export interface CcEmulator {
  /** Base URL, e.g. http://127.0.0.1:53211 (API under /v3, OAuth under /oauth2/default/v1, web app at /app). */
  url: string;
  close(): Promise<void>;
  requestLog: RequestLog;
  /** Mutable at run time. */
  knobs: CcKnobs;
  clock: Clock;
  /** Test shortcut: tokens as if the account's user had consented in the browser (default: the connector's scopes). */
  grantTokens(input: { accountId: string; clientId: string; scopes?: string[] }): {
    access_token: string;
    /** Empty when the scopes leave out offline_access. */
    refresh_token: string;
    expires_in: number;
  };
  /** The accounts, to read and change as their users would in CC's UI (create, edit, opt out, delete). */
  accounts: CcAccountRegistry;
  /** Registers another application (e.g. once a test knows its callback URL). */
  registerClient(client: CcSeedClient): void;
}

/** The application the standalone sandbox and tests use when none is given. */
export const defaultCcClient: CcSeedClient = {
  clientId: 'cc-sandbox-client',
  clientSecret: 'cc-sandbox-secret',
  redirectUris: ['http://localhost:3000/constantcontact/oauth/callback'],
};

const jsonBodyLimit = 32 * 1024 * 1024;

function isApi(url: string): boolean {
  return url === '/v3' || url.startsWith('/v3/') || url.startsWith('/v3?');
}

/** Faults and the request log cover what an API client calls: /v3, the token and revoke endpoints. */
function isClientFacing(req: FastifyRequest): boolean {
  return (
    isApi(req.url) || req.url.startsWith(`${oauthBase}/token`) || req.url.startsWith(`${oauthBase}/revoke`)
  );
}

/**
 * Starts the Constant Contact V3 emulator: CC's OAuth2 server, the /v3 API the connector uses (with
 * CC's limits and quirks) and a small stand-in for CC's web app at /app. State is in memory.
 */
export async function startConstantContactEmulator(options: CcEmulatorOptions = {}): Promise<CcEmulator> {
  const clock = options.clock ?? systemClock;
  const knobs: CcKnobs = { ...defaultCcKnobs, ...options.knobs };
  // The emulator takes entries off this list: it must not be the defaults' (or the caller's) array.
  knobs.activityOutcomes = [...knobs.activityOutcomes];
  const requestLog = new RequestLog();
  const accounts = new CcAccountRegistry(clock, knobs);
  for (const seed of options.accounts ?? []) accounts.add(seed);
  const oauth = new OAuthAuthority({
    clock,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 86_400,
    rotateRefreshTokens: options.rotateRefreshTokens ?? true,
    knobs,
  });
  for (const client of options.clients ?? [defaultCcClient]) oauth.registerClient(client);
  const limiter = new ClientRateLimiter({
    clock,
    ratePerSecond: options.ratePerSecond ?? 4,
    dailyQuota: options.dailyQuota ?? 10_000,
  });
  const runner = new ActivityRunner({
    clock,
    stepMs: options.activityStepMs ?? 500,
    knobs,
    ...(options.random ? { random: options.random } : {}),
  });
  const sessions = new LoginSessions();

  const app = Fastify({ logger: false, bodyLimit: jsonBodyLimit });
  await app.register(formbody);
  // Our own JSON parser: the import limit is on the payload's bytes, which the default parser hides.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit: jsonBodyLimit },
    (req, body, done) => {
      const buffer = body as Buffer;
      req.rawBodyBytes = buffer.length;
      if (buffer.length === 0) return done(null, undefined);
      try {
        done(null, JSON.parse(buffer.toString('utf8')));
      } catch {
        const error = new Error('The request body is not valid JSON.') as FastifyError;
        error.statusCode = 400;
        done(error, undefined);
      }
    },
  );

  installTestKnobs(app, knobs, requestLog, {
    now: () => clock.now(),
    ...(options.random ? { random: options.random } : {}),
    skip: (req) => !isClientFacing(req),
  });

  const { onExchange } = options;
  if (onExchange) {
    app.addHook('onSend', async (req, reply, payload) => {
      if (!isApi(req.url)) return payload;
      let responseBody: unknown;
      if (typeof payload === 'string' && payload.length > 0) {
        try {
          responseBody = JSON.parse(payload);
        } catch {
          responseBody = payload;
        }
      }
      onExchange({
        method: req.method,
        path: req.url.split('?')[0] ?? req.url,
        query: { ...(req.query as Record<string, string | string[]>) },
        requestBody: req.body,
        status: reply.statusCode,
        responseBody,
      });
      return payload;
    });
  }

  app.setErrorHandler((error: FastifyError, req, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? 400 : 500;
    const key = status === 400 ? 'contacts.api.bad.request' : 'server_error';
    const message = status === 400 ? error.message : 'There was a problem with our internal service.';
    if (isApi(req.url)) return reply.code(status).send([ccError(key, message)]);
    return reply.code(status).send({ error: key, error_description: message });
  });
  app.setNotFoundHandler((req, reply) => {
    if (isApi(req.url))
      return reply.code(404).send([ccError('not_found', `No resource at ${req.method} ${req.url}.`)]);
    return reply.code(404).type('text/plain').send('Not found');
  });

  const tokenLimiter = new TokenEndpointLimiter({ clock, knobs });
  await app.register(oauthRoutes, { oauth, accounts, sessions, tokenLimiter, knobs });
  await app.register(appRoutes, { accounts, sessions });
  await app.register(
    async (api) => {
      installApiGateway(api, { oauth, accounts, limiter, clock, knobs });
      await api.register(accountRoutes);
      await api.register(contactRoutes);
      await api.register(signUpFormRoutes, { knobs });
      await api.register(contactListRoutes, { runner, knobs });
      await api.register(customFieldRoutes);
      await api.register(activityRoutes, { runner });
    },
    { prefix: '/v3' },
  );

  await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('The CC emulator did not get a TCP address.');
  const host = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';

  return {
    url: `http://${host}:${address.port}`,
    requestLog,
    knobs,
    clock,
    accounts,
    registerClient: (client) => oauth.registerClient(client),
    grantTokens({ accountId, clientId, scopes }) {
      accounts.get(accountId);
      if (!oauth.client(clientId)) throw new Error(`No CC client ${clientId} in the emulator.`);
      const tokens = oauth.grantTokens({ accountId, clientId, scopes: scopes ?? defaultScopes });
      return {
        access_token: tokens.access_token,
        refresh_token: tokens.refresh_token ?? '',
        expires_in: tokens.expires_in,
      };
    },
    async close() {
      runner.stop();
      await app.close();
    },
  };
}
