import { CONNECTOR_APP, type Directory, type PlatformTenant } from './directory.ts';
import { matchesFilter } from './filter-parser.ts';
import { HubQueryError, type OrderTerm, parseHubQuery, sortRecords } from './hub-query.ts';
import { type HubCollection, HubNotFoundError, type HubStore, type StoredRecord } from './hub-store.ts';
import { HubValidationError, isObject } from './hub-validation.ts';

export interface HubResponse {
  status: number;
  body: unknown;
}

/**
 * Who writes: the connector (with the tenant's API credentials), another app of the organization, or the
 * seed (data that was there before the connector, never notified).
 */
export type HubActor = { kind: 'connector' } | { kind: 'seed' } | { kind: 'app'; app: string };

export interface HubRequest {
  tenant: PlatformTenant;
  actor: HubActor;
  method: string;
  /** `/api/v2/{group}/{collection}[/{id}]`, with or without a query string. */
  url: string;
  query?: Record<string, unknown>;
  body?: unknown;
  /** `CONNEC-EXTERNAL-IDS: true`: ids and references as id arrays rather than bare Connec! ids. */
  externalIds: boolean;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
};

/** Connec!'s error envelope. */
export function hubError(status: number, title: string, detail: string): HubResponse {
  return {
    status,
    body: { errors: [{ code: status, status: STATUS_TEXT[status] ?? 'Error', title, detail }] },
  };
}

export interface HubApiOptions {
  store: HubStore;
  directory: Directory;
  /** Base of `next` links, e.g. `http://127.0.0.1:4000`. */
  baseUrl: () => string;
  /** Called after a write that changed a record. */
  onChange: (tenant: PlatformTenant, record: StoredRecord, actor: HubActor) => void;
}

/**
 * The Connec! REST API as plain function calls, so the HTTP routes, `/batch` and the other-apps API all
 * share one implementation.
 */
export class HubApi {
  readonly #options: HubApiOptions;

  constructor(options: HubApiOptions) {
    this.#options = options;
  }

  handle(request: HubRequest): HubResponse {
    const [pathname = '', search = ''] = request.url.replace(/^https?:\/\/[^/]+/, '').split('?');
    const match = /^\/api\/v2\/([^/]+)\/([^/]+)(?:\/([^/]+))?\/?$/.exec(pathname);
    if (!match) return hubError(404, 'Not found', `no Connec! resource at ${pathname}`);
    const [, groupId = '', collection = '', id] = match.map((part) =>
      part ? decodeURIComponent(part) : part,
    );
    if (!this.#options.directory.organization(request.tenant.id, groupId)) {
      return hubError(
        404,
        'Group not found',
        `group ${groupId} does not exist in tenant ${request.tenant.id}`,
      );
    }
    if (!this.#options.store.serves(collection)) {
      return hubError(
        404,
        'Collection not found',
        `unknown collection "${collection}" (this hub serves ${this.#options.store.collections.join(', ')})`,
      );
    }
    const query = request.query ?? Object.fromEntries(new URLSearchParams(search));
    try {
      switch (request.method.toUpperCase()) {
        case 'GET':
          if (collection === 'company') return this.#company(groupId, request.externalIds);
          return id === undefined
            ? this.#list(groupId, collection, query, request.externalIds)
            : this.#get(groupId, collection, id, request.externalIds);
        case 'POST':
          if (id !== undefined)
            return hubError(
              405,
              'Method not allowed',
              'POST creates: send it to the collection, PUT updates',
            );
          return this.#write(request, groupId, collection, undefined);
        case 'PUT':
          if (id === undefined && collection !== 'company') {
            return hubError(
              405,
              'Method not allowed',
              `PUT needs a record id: /api/v2/${groupId}/${collection}/{id}`,
            );
          }
          return this.#write(request, groupId, collection, collection === 'company' ? undefined : id);
        default:
          return hubError(405, 'Method not allowed', `${request.method} is not supported on ${collection}`);
      }
    } catch (error) {
      if (error instanceof HubQueryError) return hubError(400, 'Invalid query', error.message);
      if (error instanceof HubValidationError) return hubError(400, 'Validation failed', error.message);
      if (error instanceof HubNotFoundError) return hubError(404, 'Not found', error.message);
      throw error;
    }
  }

  #list(groupId: string, collection: HubCollection, rawQuery: Record<string, unknown>, externalIds: boolean) {
    const { store, baseUrl } = this.#options;
    const query = parseHubQuery(rawQuery);
    // Filters see the id-array form whatever the header, so a filter means the same for every caller.
    const matching = store
      .list(groupId, collection)
      .map((record) => ({ record, view: store.render(record) }))
      .filter(({ view }) => matchesFilter(view, query.filter));
    const sorted = sortRecordsBy(matching, query.orderBy);
    const page = sorted.slice(query.skip, query.skip + query.top);
    const pagination: Record<string, unknown> = { top: query.top, skip: query.skip, total: sorted.length };
    if (query.skip + query.top < sorted.length) {
      const next = new URLSearchParams();
      if (query.filterText) next.set('$filter', query.filterText);
      if (query.orderByText) next.set('$orderby', query.orderByText);
      next.set('$top', String(query.top));
      next.set('$skip', String(query.skip + query.top));
      pagination.next = `${baseUrl()}/api/v2/${encodeURIComponent(groupId)}/${collection}?${next}`;
    }
    return {
      status: 200,
      body: { [collection]: page.map(({ record }) => store.render(record, externalIds)), pagination },
    };
  }

  #get(groupId: string, collection: HubCollection, id: string, externalIds: boolean): HubResponse {
    const { store } = this.#options;
    const record = store.get(groupId, collection, id);
    if (!record) return hubError(404, 'Not found', `no ${collection} record ${id} in group ${groupId}`);
    return { status: 200, body: { [collection]: store.render(record, externalIds) } };
  }

  #company(groupId: string, externalIds: boolean): HubResponse {
    const { store } = this.#options;
    const record = store.list(groupId, 'company')[0];
    if (!record) return hubError(404, 'Not found', `group ${groupId} has no company yet`);
    return { status: 200, body: { company: store.render(record, externalIds) } };
  }

  #write(
    request: HubRequest,
    groupId: string,
    collection: HubCollection,
    id: string | undefined,
  ): HubResponse {
    const { store } = this.#options;
    const body = request.body;
    if (!isObject(body) || !isObject(body[collection])) {
      return hubError(400, 'Validation failed', `the body must be {"${collection}": {...}}`);
    }
    const result = store.write(groupId, collection, body[collection], id);
    if (result.changed) this.#options.onChange(request.tenant, result.record, request.actor);
    return {
      status: result.created ? 201 : 200,
      body: { [collection]: store.render(result.record, request.externalIds) },
    };
  }
}

function sortRecordsBy<T extends { view: Record<string, unknown> }>(
  items: T[],
  orderBy: readonly OrderTerm[],
): T[] {
  const byView = new Map(items.map((item) => [item.view, item]));
  return sortRecords(
    items.map((item) => item.view),
    orderBy,
  ).map((view) => byView.get(view)!);
}

/**
 * Whether the connector should hear about a change: made by another app (or, with `ownWrites`, by the
 * connector itself), in an organization using it. Seed data is never notified.
 */
export function notifiesConnector(
  directory: Directory,
  tenant: PlatformTenant,
  groupId: string,
  actor: HubActor,
  ownWrites = false,
): boolean {
  if (actor.kind === 'seed' || (actor.kind === 'connector' && !ownWrites)) return false;
  return directory.organization(tenant.id, groupId)?.apps.includes(CONNECTOR_APP) ?? false;
}
