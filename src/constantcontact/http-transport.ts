import type { Logger } from 'pino';
import { untilAborted } from './abort-signals.ts';
import type { CcCallMetrics } from './call-metrics.ts';
import type { ClientClock } from './clock.ts';
import { errorFromResponse, parseRetryAfter } from './error-mapping.ts';
import {
  CcNeedsReconnectError,
  CcQuotaExceededError,
  type CcRequestContext,
  CcUnexpectedResponseError,
} from './errors.ts';
import { fetchWithTimeout } from './fetch-with-timeout.ts';
import type { RateLimiter } from './rate-limiter.ts';
import { type RetryPolicy, withRetry } from './retry-policy.ts';
import type { AccessTokenProvider } from './token-refresh-coordinator.ts';

export type QueryValue = string | number | boolean | Date | readonly string[] | undefined;

export interface CcRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** `/v3/...`, or a `_links.next.href` as CC gives it (its query is kept). */
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  signal?: AbortSignal | undefined;
}

export interface CcHttpTransportOptions {
  /** e.g. https://api.cc.email; paths start with /v3. */
  apiBaseUrl: string;
  timeoutMs: number;
  rateLimiter: RateLimiter;
  retryPolicy: RetryPolicy;
  clock: ClientClock;
  tokens: AccessTokenProvider;
  fetch?: typeof fetch;
  logger?: Pick<Logger, 'warn' | 'debug'> | undefined;
  random?: () => number;
  /** Counts every call by how it ended. */
  metrics?: CcCallMetrics | undefined;
}

/**
 * Sends one API call for one organization: through the rate limiter, with the organization's bearer token,
 * a timeout, retries for 5xx, network failures and timeouts, waits (through the limiter again) on
 * `throttled` that do not spend those retries, one token renewal on 401, and CC's error answers turned into
 * typed errors.
 */
export class CcHttpTransport {
  readonly #options: CcHttpTransportOptions;
  readonly #base: string;

  constructor(options: CcHttpTransportOptions) {
    this.#options = options;
    this.#base = options.apiBaseUrl.replace(/\/+$/, '');
  }

  /** The parsed JSON answer (undefined for 204). */
  async request<T>(organizationId: string, request: CcRequest): Promise<T> {
    const url = this.#url(request);
    const context: CcRequestContext = { method: request.method, path: url.pathname };
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    const { retryPolicy, clock, logger } = this.#options;
    return withRetry(() => this.#attempt<T>(organizationId, request, url, body, context), {
      policy: retryPolicy,
      clock,
      signal: request.signal,
      ...(this.#options.random ? { random: this.#options.random } : {}),
      onRetry: (error, attempt, delayMs) =>
        logger?.warn(
          { organizationId, ...context, attempt, delayMs, code: (error as { code?: string }).code },
          'Constant Contact call failed; retrying',
        ),
    });
  }

  async #attempt<T>(
    organizationId: string,
    request: CcRequest,
    url: URL,
    body: string | undefined,
    context: CcRequestContext,
  ): Promise<T> {
    const { tokens } = this.#options;
    request.signal?.throwIfAborted();
    let token = await untilAborted(tokens.accessToken(organizationId), request.signal);
    let response = await this.#send(request, url, body, token, context);
    if (response.status === 401) {
      // Expired early or revoked-and-reissued: renew once (shared with concurrent callers) and resend.
      token = await untilAborted(tokens.renewAfterRejection(organizationId, token), request.signal);
      response = await this.#send(request, url, body, token, context);
      if (response.status === 401) {
        throw new CcNeedsReconnectError(
          organizationId,
          'Constant Contact rejects freshly issued access tokens',
        );
      }
    }
    const parsed = parseBody(response.text);
    if (response.status >= 200 && response.status < 300) {
      if (parsed.ok) return parsed.value as T;
      throw new CcUnexpectedResponseError('the answer is not JSON', context, { status: response.status });
    }
    const now = new Date(this.#options.clock.now());
    const error = errorFromResponse(response.status, parsed.ok ? parsed.value : response.text, context, {
      now,
      retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), now),
    });
    // Every process must stop sending, not only this one: a shared limiter writes the block before we go on.
    if (error instanceof CcQuotaExceededError) await this.#options.rateLimiter.blockUntil(error.resetAt);
    throw error;
  }

  async #send(
    request: CcRequest,
    url: URL,
    body: string | undefined,
    token: string,
    context: CcRequestContext,
  ) {
    const permit = await this.#options.rateLimiter.acquire(request.signal);
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    this.#options.logger?.debug(context, 'Constant Contact call');
    try {
      return await fetchWithTimeout(
        url.toString(),
        { method: request.method, headers, ...(body !== undefined ? { body } : {}) },
        {
          timeoutMs: this.#options.timeoutMs,
          signal: request.signal,
          context,
          fetch: this.#options.fetch,
          metrics: this.#options.metrics,
        },
      );
    } finally {
      permit.release();
    }
  }

  #url(request: CcRequest): URL {
    if (!request.path.startsWith('/')) {
      throw new CcUnexpectedResponseError(`a path that is not absolute: ${request.path.slice(0, 80)}`);
    }
    const url = new URL(`${this.#base}${request.path}`);
    for (const [key, value] of Object.entries(request.query ?? {})) {
      const text = queryText(value);
      if (text !== undefined) url.searchParams.set(key, text);
    }
    return url;
  }
}

function queryText(value: QueryValue): string | undefined {
  if (value === undefined) return undefined;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.length > 0 ? value.join(',') : undefined;
  return String(value);
}

function parseBody(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** One organization's view of the transport: what the endpoint modules are built on. */
export type CcCall = <T>(request: CcRequest) => Promise<T>;
