import type { Tenant } from '../config/tenants.ts';
import { backoffDelay, type ClientClock, type RetryPolicy, systemClientClock } from '../retry.ts';
import {
  ConnecBadResponseError,
  type ConnecCallContext,
  ConnecUnavailableError,
  errorForStatus,
} from './errors.ts';

export interface ConnecTransportOptions {
  tenant: Pick<Tenant, 'id' | 'apiId' | 'apiKey' | 'connecHost'>;
  /** Per attempt. */
  timeoutMs: number;
  /** Retries of a 5xx, 429, timeout or network error (`maxAttempts` counts the first attempt too). */
  retry: RetryPolicy;
  clock?: ClientClock;
  fetch?: typeof fetch;
  /** The job's cancellation: the request in flight and any wait before a retry end at once. */
  signal?: AbortSignal;
}

/** A 5xx or 429: worth another attempt, with Connec!'s `Retry-After` when it gave one. */
class RetryableAnswer extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly retryAfterMs: number | undefined,
  ) {
    super(`status ${status}`);
  }
}

/**
 * Requests to one tenant's Connec! host: its credentials, `CONNEC-EXTERNAL-IDS: true`, a timeout per
 * attempt and the retries of the shared policy (src/retry.ts). Answers are JSON or a typed `ConnecError`.
 */
export class ConnecTransport {
  readonly host: URL;
  readonly tenantId: string;
  readonly #options: ConnecTransportOptions;
  readonly #clock: ClientClock;
  readonly #fetch: typeof fetch;
  readonly #authorization: string;

  constructor(options: ConnecTransportOptions) {
    this.#options = options;
    this.host = new URL(options.tenant.connecHost);
    this.tenantId = options.tenant.id;
    this.#clock = options.clock ?? systemClientClock;
    this.#fetch = options.fetch ?? fetch;
    this.#authorization = `Basic ${Buffer.from(`${options.tenant.apiId}:${options.tenant.apiKey}`).toString('base64')}`;
  }

  /** Sends one request, retrying what is worth retrying; returns the parsed JSON body. */
  async request(method: 'GET' | 'POST' | 'PUT', url: URL, body?: unknown): Promise<unknown> {
    const { retry, signal } = this.#options;
    const call: ConnecCallContext = { method, path: url.pathname, tenantId: this.tenantId };
    let lastProblem: unknown;
    for (let attempt = 1; attempt <= retry.maxAttempts; attempt++) {
      signal?.throwIfAborted();
      if (attempt > 1) {
        const hinted = lastProblem instanceof RetryableAnswer ? lastProblem.retryAfterMs : undefined;
        await this.#clock.sleep(Math.max(backoffDelay(attempt - 1, retry), hinted ?? 0), signal);
      }
      try {
        return await this.#attempt(method, url, body, call);
      } catch (error) {
        // A stop is not an outage: it is neither retried nor reported as Connec! failing.
        if (signal?.aborted) throw signal.reason;
        if (!(error instanceof RetryableAnswer) && !isNetworkError(error)) throw error;
        lastProblem = error;
      }
    }
    throw this.#exhausted(method, url, lastProblem, call);
  }

  #exhausted(method: string, url: URL, lastProblem: unknown, call: ConnecCallContext): Error {
    const attempts = this.#options.retry.maxAttempts;
    if (lastProblem instanceof RetryableAnswer) {
      const last = errorForStatus(lastProblem.status, lastProblem.body, call);
      return new ConnecUnavailableError(
        `Connec! kept failing ${method} ${url.pathname} for tenant "${this.tenantId}" (${attempts} attempts, last: ${last.message}); it will be retried later.`,
        { cause: last },
      );
    }
    const reason = lastProblem instanceof Error ? describeNetworkError(lastProblem) : String(lastProblem);
    return new ConnecUnavailableError(
      `Connec! at ${this.host.origin} did not answer ${method} ${url.pathname} (${attempts} attempts, last: ${reason}); it will be retried later.`,
      { cause: lastProblem },
    );
  }

  async #attempt(method: string, url: URL, body: unknown, call: ConnecCallContext): Promise<unknown> {
    const response = await this.#fetch(url, {
      method,
      headers: {
        authorization: this.#authorization,
        accept: 'application/json',
        'connec-external-ids': 'true',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: this.#options.signal
        ? AbortSignal.any([AbortSignal.timeout(this.#options.timeoutMs), this.#options.signal])
        : AbortSignal.timeout(this.#options.timeoutMs),
    });
    const text = await response.text();
    let json: unknown;
    let parseError: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch (error) {
      parseError = error;
    }
    if (response.status >= 500 || response.status === 429) {
      const retryAfter = Number(response.headers.get('retry-after'));
      throw new RetryableAnswer(
        response.status,
        json ?? text,
        Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter, 60) * 1000 : undefined,
      );
    }
    if (!response.ok) throw errorForStatus(response.status, json ?? text, call);
    if (parseError !== undefined) {
      throw new ConnecBadResponseError(
        `Connec! answered ${method} ${url.pathname} with a body that is not JSON`,
        { cause: parseError },
      );
    }
    return json;
  }
}

function isNetworkError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  // fetch rejects with TypeError on connection failures and with TimeoutError/AbortError on our timeout.
  return error.name === 'TypeError' || error.name === 'TimeoutError' || error.name === 'AbortError';
}

function describeNetworkError(error: Error): string {
  if (error.name === 'TimeoutError') return 'timed out';
  const cause = error.cause;
  if (cause instanceof Error) return (cause as NodeJS.ErrnoException).code ?? cause.message;
  return error.message;
}
