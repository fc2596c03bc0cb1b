import type { Tenant } from '../config/tenants.ts';
import type { ClientClock } from '../retry.ts';
import { type BatchOperation, type BatchResult, sendBatch } from './batch.ts';
import { ConnecBadResponseError } from './errors.ts';
import { type ConnecPage, readPage, readRecord } from './record-reading.ts';
import type { ConnecCompany, ConnecWrite, RecordOf } from './records.ts';
import { ConnecTransport } from './transport.ts';

export type { BatchOperation, BatchResult } from './batch.ts';
export { MAX_BATCH_OPS } from './batch.ts';
export type { ConnecPage } from './record-reading.ts';

export const MAX_PAGE_SIZE = 1000;

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
  /** Waits before retries go through it (tests give a manual one). */
  clock?: ClientClock;
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

/** A page's query string: filter, order, size and position. */
function pageQuery(options: ListOptions, skip: number): URLSearchParams {
  const pageSize = options.pageSize ?? 100;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw new RangeError(`pageSize must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${pageSize}`);
  }
  const query = new URLSearchParams();
  if (options.filter) query.set('$filter', options.filter);
  if (options.orderBy) query.set('$orderby', options.orderBy);
  query.set('$top', String(pageSize));
  query.set('$skip', String(skip));
  return query;
}

/**
 * The Connec! API of one organization (group) of one tenant: paging, single reads and writes, batches.
 * Requests go through its transport (credentials, timeout, retries); every failure is a typed
 * `ConnecError`; nothing is swallowed.
 *
 *   const connec = new ConnecClient({ tenant, groupId: 'cld-1234' });
 *   for await (const page of connec.pages('people', { filter: "updated_at gt '2026-01-01T00:00:00Z'" })) { ... }
 */
export class ConnecClient {
  readonly #groupId: string;
  readonly #transport: ConnecTransport;

  constructor(options: ConnecClientOptions) {
    this.#groupId = options.groupId;
    this.#transport = new ConnecTransport({
      tenant: options.tenant,
      timeoutMs: options.timeoutMs ?? 30_000,
      retry: {
        maxAttempts: (options.maxRetries ?? 3) + 1,
        baseDelayMs: options.retryBaseDelayMs ?? 500,
        maxDelayMs: 60_000,
      },
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  get groupId(): string {
    return this.#groupId;
  }

  #collectionPath(collection: string, connecId?: string): string {
    const base = `/api/v2/${encodeURIComponent(this.#groupId)}/${collection}`;
    return connecId === undefined ? base : `${base}/${encodeURIComponent(connecId)}`;
  }

  #url(path: string): URL {
    return new URL(path, this.#transport.host);
  }

  /**
   * Pages of a collection, one request each, following Connec!'s `next` link; only one page is held at a time.
   * Pages by `$skip`, so records that move in the order while paging can be missed or repeated: order by
   * `updated_at` and reprocess idempotently.
   */
  async *pages<C extends string>(
    collection: C,
    options: ListOptions = {},
  ): AsyncGenerator<ConnecPage<RecordOf<C>>, void, undefined> {
    let url: URL | undefined = this.#url(`${this.#collectionPath(collection)}?${pageQuery(options, 0)}`);
    const seen = new Set<string>();
    while (url) {
      if (seen.has(url.href)) {
        throw new ConnecBadResponseError(
          `Connec! sent a next link pointing back to a page already read (${url.pathname})`,
        );
      }
      seen.add(url.href);
      const body: unknown = await this.#transport.request('GET', url);
      const read: { page: ConnecPage<RecordOf<C>>; next: URL | undefined } = readPage(
        collection,
        body,
        url.pathname,
        this.#transport.host,
      );
      yield read.page;
      url = read.next;
    }
  }

  /**
   * One page: the records from position `skip`, at most `pageSize` of them. The sync pages by keyset (a
   * filter on `updated_at` moved forward page by page), which stays correct while records change.
   */
  async page<C extends string>(
    collection: C,
    options: ListOptions & { skip?: number } = {},
  ): Promise<ConnecPage<RecordOf<C>>> {
    const url = this.#url(`${this.#collectionPath(collection)}?${pageQuery(options, options.skip ?? 0)}`);
    const body = await this.#transport.request('GET', url);
    return readPage(collection, body, url.pathname, this.#transport.host).page;
  }

  /** Every record of a collection (all pages in memory): for small collections and tests. */
  async list<C extends string>(collection: C, options: ListOptions = {}): Promise<RecordOf<C>[]> {
    const all: RecordOf<C>[] = [];
    for await (const page of this.pages(collection, options)) all.push(...page.records);
    return all;
  }

  async get<C extends string>(collection: C, connecId: string): Promise<RecordOf<C>> {
    const path = this.#collectionPath(collection, connecId);
    return readRecord(collection, await this.#transport.request('GET', this.#url(path)), `GET ${path}`);
  }

  async getCompany(): Promise<ConnecCompany> {
    const path = this.#collectionPath('company');
    return readRecord('company', await this.#transport.request('GET', this.#url(path)), `GET ${path}`);
  }

  /** Creates a record, or updates the one already carrying an id entry of `record.id` (upsert). */
  async create<C extends string>(collection: C, record: ConnecWrite<C>): Promise<RecordOf<C>> {
    const path = this.#collectionPath(collection);
    const body = await this.#transport.request('POST', this.#url(path), { [collection]: record });
    return readRecord(collection, body, `POST ${path}`);
  }

  /** Updates the fields given; others are kept. */
  async update<C extends string>(
    collection: C,
    connecId: string,
    record: ConnecWrite<C>,
  ): Promise<RecordOf<C>> {
    const path = this.#collectionPath(collection, connecId);
    const body = await this.#transport.request('PUT', this.#url(path), { [collection]: record });
    return readRecord(collection, body, `PUT ${path}`);
  }

  async updateCompany(company: ConnecWrite<'company'>): Promise<ConnecCompany> {
    const path = this.#collectionPath('company');
    const body = await this.#transport.request('PUT', this.#url(path), { company });
    return readRecord('company', body, `PUT ${path}`);
  }

  /** Writes through `POST /batch` (see `sendBatch`): one result per operation, in order. */
  batch(operations: readonly BatchOperation[]): Promise<BatchResult[]> {
    return sendBatch(this.#transport, (collection, id) => this.#collectionPath(collection, id), operations);
  }
}
