import { type ClientClock, systemClientClock } from './clock.ts';
import { CcNeedsReconnectError } from './errors.ts';
import type { CcTokenSet } from './types.ts';

/**
 * Where an organization's CC tokens live (the db layer implements it, encrypting them at rest). The client
 * never keeps tokens of its own: it loads them for each call and saves every new pair before using it.
 */
export interface TokenStore {
  /** The organization's current tokens, or null when it never connected or was disconnected. */
  load(organizationId: string): Promise<CcTokenSet | null>;
  /** Persists a new pair; the old refresh token is already spent when this is called. */
  save(organizationId: string, tokens: CcTokenSet): Promise<void>;
  /**
   * Optional lock held around a refresh, for deployments with several processes: the in-process coordinator
   * already makes callers of one process share a refresh; this keeps two processes from spending the same
   * rotating refresh token.
   */
  withRefreshLock?<T>(organizationId: string, refresh: () => Promise<T>): Promise<T>;
  /**
   * Told when CC refused the organization's refresh token, so the organization shows that it must reconnect
   * (and why) instead of failing silently run after run.
   */
  refreshRefused?(organizationId: string, error: CcNeedsReconnectError): Promise<void>;
}

/** What the API transport needs: a usable token, and a fresh one when CC refuses the one it used. */
export interface AccessTokenProvider {
  accessToken(organizationId: string): Promise<string>;
  renewAfterRejection(organizationId: string, rejectedToken: string): Promise<string>;
}

export type RefreshTokens = (organizationId: string, refreshToken: string) => Promise<CcTokenSet>;

/**
 * How one refresh attempt ended: `ok` (new pair saved), `refused` (CC refused the refresh token: the
 * organization must reconnect), `skipped_already_rotated` (another caller or process had already saved a
 * usable pair, so nothing was spent), `failed` (anything else: network, lock wait, saving).
 */
export type TokenRefreshOutcome = 'ok' | 'refused' | 'skipped_already_rotated' | 'failed';

export interface TokenRefreshCoordinatorOptions {
  store: TokenStore;
  refresh: RefreshTokens;
  clock?: ClientClock;
  /** Tokens this close to expiry are refreshed before use, so a call does not die of expiry in flight. */
  expirySkewMs?: number;
  /** Told how each refresh attempt ended (for metrics); it must not throw. */
  onRefresh?: (outcome: TokenRefreshOutcome) => void;
}

/**
 * Hands out access tokens and refreshes them at most once at a time per organization. CC's refresh tokens
 * rotate (single use), so two concurrent refreshes would spend the same token twice and the loser would
 * disconnect the organization; here concurrent callers wait for the refresh in flight, and the new pair is
 * saved before any of them gets it.
 */
export class TokenRefreshCoordinator implements AccessTokenProvider {
  readonly #store: TokenStore;
  readonly #refresh: RefreshTokens;
  readonly #clock: ClientClock;
  readonly #skewMs: number;
  readonly #onRefresh: (outcome: TokenRefreshOutcome) => void;
  readonly #inFlight = new Map<string, Promise<string>>();

  constructor(options: TokenRefreshCoordinatorOptions) {
    this.#store = options.store;
    this.#refresh = options.refresh;
    this.#clock = options.clock ?? systemClientClock;
    this.#skewMs = options.expirySkewMs ?? 60_000;
    this.#onRefresh = options.onRefresh ?? (() => {});
  }

  async accessToken(organizationId: string): Promise<string> {
    const inFlight = this.#inFlight.get(organizationId);
    if (inFlight) return inFlight;
    const tokens = await this.#load(organizationId);
    if (this.#fresh(tokens)) return tokens.accessToken;
    return this.#refreshOnce(organizationId, tokens.accessToken);
  }

  /**
   * CC answered 401 to `rejectedToken`. If the store already holds another, still-valid token (someone
   * refreshed meanwhile) that one is returned; otherwise one refresh runs, shared with concurrent callers.
   */
  renewAfterRejection(organizationId: string, rejectedToken: string): Promise<string> {
    return this.#refreshOnce(organizationId, rejectedToken);
  }

  #refreshOnce(organizationId: string, staleToken: string): Promise<string> {
    const inFlight = this.#inFlight.get(organizationId);
    if (inFlight) return inFlight;
    const refreshing = this.#refreshUnlessDone(organizationId, staleToken).finally(() => {
      this.#inFlight.delete(organizationId);
    });
    this.#inFlight.set(organizationId, refreshing);
    return refreshing;
  }

  async #refreshUnlessDone(organizationId: string, staleToken: string): Promise<string> {
    let outcome: TokenRefreshOutcome = 'failed';
    const run = async () => {
      // Re-read under the lock: another caller or process may have refreshed since `staleToken` was read
      // (also when CC just answered 401 to `staleToken`), and refreshing again would spend a token that is
      // already gone.
      const current = await this.#load(organizationId);
      if (current.accessToken !== staleToken && this.#fresh(current)) {
        outcome = 'skipped_already_rotated';
        return current.accessToken;
      }
      let next: CcTokenSet;
      try {
        next = await this.#refresh(organizationId, current.refreshToken);
      } catch (error) {
        if (error instanceof CcNeedsReconnectError) {
          outcome = 'refused';
          await this.#store.refreshRefused?.(organizationId, error);
        }
        throw error;
      }
      await this.#store.save(organizationId, next);
      outcome = 'ok';
      return next.accessToken;
    };
    try {
      return await (this.#store.withRefreshLock ? this.#store.withRefreshLock(organizationId, run) : run());
    } finally {
      this.#onRefresh(outcome);
    }
  }

  async #load(organizationId: string): Promise<CcTokenSet> {
    const tokens = await this.#store.load(organizationId);
    if (!tokens) throw new CcNeedsReconnectError(organizationId, 'no Constant Contact tokens are stored');
    return tokens;
  }

  #fresh(tokens: CcTokenSet): boolean {
    return tokens.expiresAt.getTime() - this.#skewMs > this.#clock.now();
  }
}
