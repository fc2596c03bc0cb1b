import type { Logger } from 'pino';
import { eitherSignal } from './abort-signals.ts';
import { CcAccountApi } from './account-api.ts';
import { CcActivitiesApi } from './activities-api.ts';
import { type BulkImportOptions, type BulkImportResult, importContactsInBulk } from './bulk-import.ts';
import type { CcCallMetrics } from './call-metrics.ts';
import { type ClientClock, systemClientClock } from './clock.ts';
import { CcContactsApi } from './contacts-api.ts';
import { type CcCall, CcHttpTransport } from './http-transport.ts';
import { CcListsApi } from './lists-api.ts';
import { CcOAuth } from './oauth.ts';
import { type CcBudgetLimiter, InMemoryRateLimiter, type RateLimiter } from './rate-limiter.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.ts';
import { createTokenEndpointLimiter } from './token-endpoint-limiter.ts';
import {
  TokenRefreshCoordinator,
  type TokenRefreshOutcome,
  type TokenStore,
} from './token-refresh-coordinator.ts';
import type { CcImportRow } from './types.ts';

/** The `cc` section of the connector's configuration. */
export interface CcClientConfig {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** https://api.cc.email in production; the API lives under /v3. */
  apiBaseUrl: string;
  /** https://authz.constantcontact.com in production; OAuth lives under /oauth2/default/v1. */
  authBaseUrl: string;
}

export interface ConstantContactClientOptions {
  config: CcClientConfig;
  tokenStore: TokenStore;
  /**
   * Shared by every organization, as CC's limits are per application: `createCcBudgetLimiter(config.ccBudget,
   * redis)` builds the deployment's. Default: in memory, 4/s, 10,000/day.
   */
  rateLimiter?: CcBudgetLimiter;
  /** Spaces code exchanges and refreshes (CC: about 1 a second per application). Default: in memory, 1/s. */
  tokenRateLimiter?: RateLimiter;
  /** Per request, body included. Default 30 s for the API, 15 s for OAuth. */
  timeoutMs?: number;
  oauthTimeoutMs?: number;
  retryPolicy?: RetryPolicy;
  clock?: ClientClock;
  logger?: Pick<Logger, 'warn' | 'debug'>;
  /** Refresh access tokens this long before they expire. Default 60 s. */
  expirySkewMs?: number;
  /** Told how each token refresh attempt ended (e.g. to count them in metrics); it must not throw. */
  onTokenRefresh?: (outcome: TokenRefreshOutcome) => void;
  /** For tests: the jitter source of back-off. */
  random?: () => number;
  /** Counts every call to CC (API and token endpoint) by how it ended. */
  metrics?: CcCallMetrics;
}

/** One organization's CC account, as the sync engine uses it. */
export interface CcOrganizationClient {
  readonly organizationId: string;
  readonly account: CcAccountApi;
  readonly contacts: CcContactsApi;
  readonly lists: CcListsApi;
  readonly activities: CcActivitiesApi;
  /** Imports rows with as few requests as CC allows and waits for each activity (see `importContactsInBulk`). */
  importContacts(
    rows: readonly CcImportRow[],
    listIds: readonly string[],
    options?: BulkImportOptions,
  ): Promise<BulkImportResult>;
}

/**
 * The Constant Contact V3 client of the whole process: OAuth for connecting organizations, and per
 * organization the API behind one rate limiter, one token refresh coordinator and one retry policy.
 *
 * @example
 * const cc = new ConstantContactClient({ config: config.cc, tokenStore });
 * const { url, state, codeVerifier } = cc.oauth.authorizationRequest();
 * // ... after the callback:
 * await tokenStore.save(orgId, await cc.oauth.exchangeCode(code, codeVerifier));
 * for await (const page of cc.forOrganization(orgId).contacts.pages({ limit: 500 })) console.log(page.contacts.length);
 */
export class ConstantContactClient {
  readonly oauth: CcOAuth;
  /** The API's limiter, also the reading of the day's budget (metrics, planner). */
  readonly rateLimiter: CcBudgetLimiter;
  readonly tokenRateLimiter: RateLimiter;
  readonly tokens: TokenRefreshCoordinator;
  readonly #transport: CcHttpTransport;
  readonly #apiBaseUrl: string;
  readonly #clock: ClientClock;

  constructor(options: ConstantContactClientOptions) {
    const { config } = options;
    this.#clock = options.clock ?? systemClientClock;
    this.#apiBaseUrl = config.apiBaseUrl;
    const retryPolicy = options.retryPolicy ?? DEFAULT_RETRY_POLICY;
    this.tokenRateLimiter = options.tokenRateLimiter ?? createTokenEndpointLimiter({ clock: this.#clock });
    this.oauth = new CcOAuth({
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      redirectUri: config.redirectUri,
      authBaseUrl: config.authBaseUrl,
      timeoutMs: options.oauthTimeoutMs ?? 15_000,
      retryPolicy,
      clock: this.#clock,
      tokenRateLimiter: this.tokenRateLimiter,
      metrics: options.metrics,
      ...(options.random ? { random: options.random } : {}),
    });
    this.rateLimiter = options.rateLimiter ?? new InMemoryRateLimiter({ clock: this.#clock });
    this.tokens = new TokenRefreshCoordinator({
      store: options.tokenStore,
      refresh: (organizationId, refreshToken) => this.oauth.refresh(organizationId, refreshToken),
      clock: this.#clock,
      ...(options.expirySkewMs !== undefined ? { expirySkewMs: options.expirySkewMs } : {}),
      ...(options.onTokenRefresh ? { onRefresh: options.onTokenRefresh } : {}),
    });
    this.#transport = new CcHttpTransport({
      apiBaseUrl: config.apiBaseUrl,
      timeoutMs: options.timeoutMs ?? 30_000,
      rateLimiter: this.rateLimiter,
      retryPolicy,
      clock: this.#clock,
      tokens: this.tokens,
      logger: options.logger,
      metrics: options.metrics,
      ...(options.random ? { random: options.random } : {}),
    });
  }

  /**
   * The API of one organization's CC account (cheap: build one per job). With `signal`, every call made
   * through it (and every wait between polls or retries) ends as soon as the signal aborts, rejecting with
   * its reason: a job stopped mid-run makes no further request. `onCall` is told of each request before it
   * is sent (retries of it are not told again), so a run can keep to its own budget of calls.
   */
  forOrganization(organizationId: string, signal?: AbortSignal, onCall?: () => void): CcOrganizationClient {
    const call: CcCall = (request) => {
      onCall?.();
      return this.#transport.request(organizationId, {
        ...request,
        signal: eitherSignal(signal, request.signal),
      });
    };
    const activities = new CcActivitiesApi(call, this.#clock, signal);
    return {
      organizationId,
      account: new CcAccountApi(call),
      contacts: new CcContactsApi(call, this.#apiBaseUrl),
      lists: new CcListsApi(call, this.#apiBaseUrl),
      activities,
      importContacts: (rows, listIds, importOptions) =>
        importContactsInBulk(activities, rows, listIds, importOptions),
    };
  }
}
