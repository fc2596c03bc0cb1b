import type { z } from 'zod';
import { abortableSleep } from '../abortable-sleep.ts';
import type { Tenant } from '../config/tenants.ts';
import {
  ConnecBadResponseError,
  type ConnecCallContext,
  type ConnecError,
  ConnecUnavailableError,
  errorForStatus,
} from './errors.ts';
import {
  type ConnecCollection,
  type ConnecCompany,
  type ConnecListCollection,
  type ConnecRecordOf,
  type ConnecWrite,
  RECORD_SCHEMAS,
} from './records.ts';

export const MAX_PAGE_SIZE = 1000;
export const MAX_BATCH_OPS = 100;

export interface ConnecClientOptions {
  tenant: Pick<Tenant, 'id' | 'apiId' | 'apiKey' | 'connecHost'>;
  /** The organization's group uid, e.g. `cld-1234`. */
  groupId: string;
  /** Per attempt. */
  timeoutMs?: number;
  /** Further attempts after a 5xx, 429, timeout or network error. */
  maxRetries?: number;
  /** Delay before the first retry; doubles each time (with jitter). */
  retryBaseDelayMs?: number;
  fetch?: typeof fetch;
  /**
   * The job's cancellation: once it aborts, the request in flight and any wait before a retry end at once,
   * and every call rejects with the signal's reason (a stop, not a Connec! failure).
   */
  signal?: AbortSignal;
}

export interface ListOptions {
  /** A `$filter`, e.g. `updated_at gt '2026-01-01T00:00:00Z'` (see `buildFilter`). */
  filter?: string;
  /** e.g. `updated_at asc`. */
  orderBy?: string;
  /** Records per request, 1 to 1000 (default 100). */
  pageSize?: number;
}

export interface ConnecPage<T> {
  records: T[];
  /** Position of the first record of this page in the whole result. */
  skip: number;
  /** Records matching the filter, as Connec! counted them for this page. */
  total: number;
}

/**
 * One write of a batch. The sync builds `record` from the hub paths its mappings declare (see src/mapping),
 * so its fields are known by name only there; Connec! validates them, and a refusal is that operation's
 * result, not an exception.
 */
export interface BatchOperation {
  collection: ConnecCollection;
  /** Omitted: create (or upsert when `record.id` carries the connector's entry). Given: update that record. */
  connecId?: string;
  record: Readonly<Record<string, unknown>>;
}

export type BatchResult =
  | { ok: true; status: number; record: ConnecRecordOf[ConnecCollection] }
  | { ok: false; status: number; error: ConnecError };

function describeIssues(error: z.ZodError, root: string): string {
  return error.issues
    .slice(0, 3)
    .map(
      (issue) =>
        `${[root, ...issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))].join('')}: ${issue.message}`,
    )
    .join('; ');
}

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
 * The Connec! API of one organization (group) of one tenant. Sends `CONNEC-EXTERNAL-IDS: true`, so ids and
 * references are id arrays. Every failure is a typed `ConnecError`; nothing is swallowed.
 *
 *   const connec = new ConnecClient({ tenant, groupId: 'cld-1234' });
 *   for await (const page of connec.pages('people', { filter: "updated_at gt '2026-01-01T00:00:00Z'" })) { ... }
 */
export class ConnecClient {
  readonly #tenant: ConnecClientOptions['tenant'];
  readonly #groupId: string;
  readonly #host: URL;
  readonly #timeoutMs: number;
  readonly #maxRetries: number;
  readonly #retryBaseDelayMs: number;
  readonly #fetch: typeof fetch;
  readonly #authorization: string;
  readonly #signal: AbortSignal | undefined;

  constructor(options: ConnecClientOptions) {
    this.#tenant = options.tenant;
    this.#groupId = options.groupId;
    this.#host = new URL(options.tenant.connecHost);
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#maxRetries = options.maxRetries ?? 3;
    this.#retryBaseDelayMs = options.retryBaseDelayMs ?? 500;
    this.#fetch = options.fetch ?? fetch;
    this.#signal = options.signal;
    this.#authorization = `Basic ${Buffer.from(`${options.tenant.apiId}:${options.tenant.apiKey}`).toString('base64')}`;
  }

  get groupId(): string {
    return this.#groupId;
  }

  #collectionPath(collection: ConnecCollection, connecId?: string): string {
    const base = `/api/v2/${encodeURIComponent(this.#groupId)}/${collection}`;
    return connecId === undefined ? base : `${base}/${encodeURIComponent(connecId)}`;
  }

  /**
   * Pages of a collection, one request each, following Connec!'s `next` link; only one page is held at a time.
   * Pages by `$skip`, so records that move in the order while paging can be missed or repeated: order by
   * `updated_at` and reprocess idempotently.
   */
  async *pages<C extends ConnecListCollection>(
    collection: C,
    options: ListOptions = {},
  ): AsyncGenerator<ConnecPage<ConnecRecordOf[C]>, void, undefined> {
    const pageSize = options.pageSize ?? 100;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw new RangeError(`pageSize must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${pageSize}`);
    }
    const query = new URLSearchParams();
    if (options.filter) query.set('$filter', options.filter);
    if (options.orderBy) query.set('$orderby', options.orderBy);
    query.set('$top', String(pageSize));
    query.set('$skip', '0');
    let url: URL | undefined = new URL(`${this.#collectionPath(collection)}?${query}`, this.#host);
    const seen = new Set<string>();
    while (url) {
      if (seen.has(url.href)) {
        throw new ConnecBadResponseError(
          `Connec! sent a next link pointing back to a page already read (${url.pathname})`,
        );
      }
      seen.add(url.href);
      const body: unknown = await this.#request('GET', url);
      const page: { page: ConnecPage<ConnecRecordOf[C]>; next: URL | undefined } = this.#readPage(
        collection,
        body,
        url.pathname,
      );
      yield page.page;
      url = page.next;
    }
  }

  /**
   * One page: the records from position `skip`, at most `pageSize` of them. The sync pages by keyset (a
   * filter on `updated_at` moved forward page by page), which stays correct while records change.
   */
  async page<C extends ConnecListCollection>(
    collection: C,
    options: ListOptions & { skip?: number } = {},
  ): Promise<ConnecPage<ConnecRecordOf[C]>> {
    const pageSize = options.pageSize ?? 100;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw new RangeError(`pageSize must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${pageSize}`);
    }
    const query = new URLSearchParams();
    if (options.filter) query.set('$filter', options.filter);
    if (options.orderBy) query.set('$orderby', options.orderBy);
    query.set('$top', String(pageSize));
    query.set('$skip', String(options.skip ?? 0));
    const url = new URL(`${this.#collectionPath(collection)}?${query}`, this.#host);
    return this.#readPage(collection, await this.#request('GET', url), url.pathname).page;
  }

  /** Every record of a collection (all pages in memory): for small collections and tests. */
  async list<C extends ConnecListCollection>(
    collection: C,
    options: ListOptions = {},
  ): Promise<ConnecRecordOf[C][]> {
    const all: ConnecRecordOf[C][] = [];
    for await (const page of this.pages(collection, options)) all.push(...page.records);
    return all;
  }

  #readPage<C extends ConnecListCollection>(
    collection: C,
    body: unknown,
    path: string,
  ): { page: ConnecPage<ConnecRecordOf[C]>; next: URL | undefined } {
    if (!body || typeof body !== 'object')
      throw new ConnecBadResponseError(`Connec! answered GET ${path} with a body that is not an object`);
    const envelope = body as { pagination?: { skip?: unknown; total?: unknown; next?: unknown } } & Record<
      string,
      unknown
    >;
    // Connec! leaves the key out when nothing matches.
    const raw = envelope[collection] ?? [];
    const parsed = RECORD_SCHEMAS[collection].array().safeParse(raw);
    if (!parsed.success) {
      throw new ConnecBadResponseError(
        `Connec! answered GET ${path} with records not of the documented shape: ${describeIssues(parsed.error, collection)}`,
      );
    }
    const pagination = envelope.pagination ?? {};
    const skip = typeof pagination.skip === 'number' ? pagination.skip : 0;
    const total = typeof pagination.total === 'number' ? pagination.total : skip + parsed.data.length;
    let next: URL | undefined;
    if (typeof pagination.next === 'string' && pagination.next !== '' && parsed.data.length > 0) {
      next = new URL(pagination.next, this.#host);
      // Credentials go only to the tenant's Connec! host.
      if (next.origin !== this.#host.origin) {
        throw new ConnecBadResponseError(
          `Connec! sent a next link to another host (${next.origin}); refusing to follow it`,
        );
      }
    }
    return { page: { records: parsed.data as ConnecRecordOf[C][], skip, total }, next };
  }

  async get<C extends ConnecListCollection>(collection: C, connecId: string): Promise<ConnecRecordOf[C]> {
    const path = this.#collectionPath(collection, connecId);
    return this.#readRecord(collection, await this.#request('GET', new URL(path, this.#host)), `GET ${path}`);
  }

  async getCompany(): Promise<ConnecCompany> {
    const path = this.#collectionPath('company');
    return this.#readRecord('company', await this.#request('GET', new URL(path, this.#host)), `GET ${path}`);
  }

  /** Creates a record, or updates the one already carrying an id entry of `record.id` (upsert). */
  async create<C extends ConnecListCollection>(
    collection: C,
    record: ConnecWrite<C>,
  ): Promise<ConnecRecordOf[C]> {
    const path = this.#collectionPath(collection);
    const body = await this.#request('POST', new URL(path, this.#host), { [collection]: record });
    return this.#readRecord(collection, body, `POST ${path}`);
  }

  /** Updates the fields given; others are kept. */
  async update<C extends ConnecListCollection>(
    collection: C,
    connecId: string,
    record: ConnecWrite<C>,
  ): Promise<ConnecRecordOf[C]> {
    const path = this.#collectionPath(collection, connecId);
    const body = await this.#request('PUT', new URL(path, this.#host), { [collection]: record });
    return this.#readRecord(collection, body, `PUT ${path}`);
  }

  async updateCompany(company: ConnecWrite<'company'>): Promise<ConnecCompany> {
    const path = this.#collectionPath('company');
    const body = await this.#request('PUT', new URL(path, this.#host), { company });
    return this.#readRecord('company', body, `PUT ${path}`);
  }

  /**
   * Runs writes through `POST /batch`, 100 per request, and returns one result per operation in order. A
   * refused operation is a result with its typed error, not an exception; a batch request that fails as a
   * whole throws.
   */
  async batch(operations: readonly BatchOperation[]): Promise<BatchResult[]> {
    const results: BatchResult[] = [];
    for (let start = 0; start < operations.length; start += MAX_BATCH_OPS) {
      const chunk = operations.slice(start, start + MAX_BATCH_OPS);
      const ops = chunk.map((op) => ({
        method: op.connecId === undefined ? 'POST' : 'PUT',
        url: this.#collectionPath(op.collection, op.connecId),
        params: { [op.collection]: op.record },
      }));
      const body = await this.#request('POST', new URL('/batch', this.#host), { sequential: true, ops });
      const answers = (body as { results?: unknown } | null)?.results;
      if (!Array.isArray(answers) || answers.length !== chunk.length) {
        throw new ConnecBadResponseError(
          `Connec! answered POST /batch with ${Array.isArray(answers) ? answers.length : 'no'} results for ${chunk.length} operations`,
        );
      }
      answers.forEach((answer, i) => {
        const op = chunk[i]!;
        const status = typeof answer?.status === 'number' ? answer.status : 0;
        const call = { method: ops[i]!.method, path: ops[i]!.url, tenantId: this.#tenant.id };
        if (status >= 200 && status < 300) {
          const record = this.#readRecord(
            op.collection,
            answer.body,
            `batch op ${start + i} (${call.method} ${call.path})`,
          );
          results.push({
            ok: true,
            status,
            record: record as BatchResult & { ok: true } extends { record: infer R } ? R : never,
          });
        } else {
          results.push({ ok: false, status, error: errorForStatus(status, answer?.body, call) });
        }
      });
    }
    return results;
  }

  #readRecord<C extends ConnecCollection>(collection: C, body: unknown, where: string): ConnecRecordOf[C] {
    const raw = body && typeof body === 'object' ? (body as Record<string, unknown>)[collection] : undefined;
    const parsed = RECORD_SCHEMAS[collection].safeParse(raw);
    if (!parsed.success) {
      throw new ConnecBadResponseError(
        `Connec! answered ${where} with a record not of the documented shape: ${describeIssues(parsed.error, collection)}`,
      );
    }
    return parsed.data as ConnecRecordOf[C];
  }

  async #request(method: 'GET' | 'POST' | 'PUT', url: URL, body?: unknown): Promise<unknown> {
    const call: ConnecCallContext = { method, path: url.pathname, tenantId: this.#tenant.id };
    let lastProblem: unknown;
    for (let attempt = 0; attempt <= this.#maxRetries; attempt++) {
      this.#signal?.throwIfAborted();
      if (attempt > 0) {
        const backoff = this.#retryBaseDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2);
        const hinted = lastProblem instanceof RetryableAnswer ? lastProblem.retryAfterMs : undefined;
        await abortableSleep(Math.max(backoff, hinted ?? 0), this.#signal);
      }
      try {
        return await this.#attempt(method, url, body, call);
      } catch (error) {
        // A stop is not an outage: it is neither retried nor reported as Connec! failing.
        if (this.#signal?.aborted) throw this.#signal.reason;
        if (!(error instanceof RetryableAnswer) && !isNetworkError(error)) throw error;
        lastProblem = error;
      }
    }
    const attempts = this.#maxRetries + 1;
    if (lastProblem instanceof RetryableAnswer) {
      const last = errorForStatus(lastProblem.status, lastProblem.body, call);
      throw new ConnecUnavailableError(
        `Connec! kept failing ${method} ${url.pathname} for tenant "${this.#tenant.id}" (${attempts} attempts, last: ${last.message}); it will be retried later.`,
        { cause: last },
      );
    }
    const reason = lastProblem instanceof Error ? describeNetworkError(lastProblem) : String(lastProblem);
    throw new ConnecUnavailableError(
      `Connec! at ${this.#host.origin} did not answer ${method} ${url.pathname} (${attempts} attempts, last: ${reason}); it will be retried later.`,
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
      signal: this.#signal
        ? AbortSignal.any([AbortSignal.timeout(this.#timeoutMs), this.#signal])
        : AbortSignal.timeout(this.#timeoutMs),
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
