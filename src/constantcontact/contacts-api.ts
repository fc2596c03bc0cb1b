import { CcUnexpectedResponseError } from './errors.ts';
import type { CcCall, QueryValue } from './http-transport.ts';
import { nextPath, paginate } from './pagination.ts';
import type {
  CcContact,
  CcContactCreate,
  CcContactInclude,
  CcContactsPage,
  CcContactsQuery,
  CcContactUpdate,
} from './types.ts';

/** The contact endpoints of one organization's CC account. */
export class CcContactsApi {
  readonly #call: CcCall;
  readonly #apiBaseUrl: string;

  constructor(call: CcCall, apiBaseUrl: string) {
    this.#call = call;
    this.#apiBaseUrl = apiBaseUrl;
  }

  /**
   * `GET /v3/contacts`, page by page (memory bounded by one page). Deleted contacts come only with
   * `status: 'deleted'` or `'all'`; opt-outs are found with `optoutAfter`, since they do not move a
   * contact's `updated_at`.
   *
   * @example
   * for await (const page of contacts.pages({ updatedAfter: cursor, limit: 500 })) await handle(page.contacts);
   */
  pages(query: CcContactsQuery = {}, signal?: AbortSignal): AsyncGenerator<CcContactsPage, void, undefined> {
    const fetchPage = async (path: string, q?: Record<string, QueryValue>) =>
      checkPage(await this.#call<CcContactsPage>({ method: 'GET', path, query: q, signal }));
    return paginate(() => fetchPage('/v3/contacts', contactsQuery(query)), fetchPage, this.#apiBaseUrl);
  }

  /**
   * Goes on with a read stopped earlier, from a `next` link a page of `pages` gave (kept between runs).
   * CC refuses a link it no longer accepts with a `CcValidationError`; the read must then start again.
   */
  pagesFrom(nextHref: string, signal?: AbortSignal): AsyncGenerator<CcContactsPage, void, undefined> {
    const fetchPage = async (path: string) =>
      checkPage(await this.#call<CcContactsPage>({ method: 'GET', path, signal }));
    const first = nextPath(nextHref, this.#apiBaseUrl);
    return paginate(() => fetchPage(first), fetchPage, this.#apiBaseUrl);
  }

  /** Every contact matching `query`, one at a time, read page by page. */
  async *all(query: CcContactsQuery = {}, signal?: AbortSignal): AsyncGenerator<CcContact, void, undefined> {
    for await (const page of this.pages(query, signal)) yield* page.contacts;
  }

  get(contactId: string, include: CcContactInclude[] = [], signal?: AbortSignal): Promise<CcContact> {
    return this.#call({
      method: 'GET',
      path: `/v3/contacts/${encodeURIComponent(contactId)}`,
      query: { include },
      signal,
    });
  }

  /** `POST /v3/contacts`; an email CC already has (deleted contacts included) fails with `CcConflictError`. */
  create(contact: CcContactCreate, signal?: AbortSignal): Promise<CcContact> {
    return this.#call({ method: 'POST', path: '/v3/contacts', body: contact, signal });
  }

  /**
   * `PUT /v3/contacts/{id}`: every top-level field left out becomes null, the sub-resources left out stay
   * (see `CcContactUpdate` for what the contract leaves open); also revives a deleted contact.
   */
  update(contactId: string, contact: CcContactUpdate, signal?: AbortSignal): Promise<CcContact> {
    return this.#call({
      method: 'PUT',
      path: `/v3/contacts/${encodeURIComponent(contactId)}`,
      body: contact,
      signal,
    });
  }

  /** `DELETE /v3/contacts/{id}`: CC keeps the contact as deleted and drops its list memberships. */
  async delete(contactId: string, signal?: AbortSignal): Promise<void> {
    await this.#call<undefined>({
      method: 'DELETE',
      path: `/v3/contacts/${encodeURIComponent(contactId)}`,
      signal,
    });
  }
}

/** The query string of `GET /v3/contacts` for a typed query. */
export function contactsQuery(query: CcContactsQuery): Record<string, QueryValue> {
  if (
    query.limit !== undefined &&
    !(Number.isInteger(query.limit) && query.limit >= 1 && query.limit <= 500)
  ) {
    throw new RangeError(`Constant Contact pages hold 1 to 500 contacts, not ${query.limit}.`);
  }
  return {
    status: query.status,
    email: query.email,
    lists: query.lists,
    updated_after: query.updatedAfter,
    updated_before: query.updatedBefore,
    created_after: query.createdAfter,
    optout_after: query.optoutAfter,
    include: query.include,
    limit: query.limit,
    include_count: query.includeCount,
  };
}

function checkPage(page: CcContactsPage): CcContactsPage {
  if (!page || !Array.isArray(page.contacts)) {
    throw new CcUnexpectedResponseError('a contacts page without a contacts array', {
      method: 'GET',
      path: '/v3/contacts',
    });
  }
  return page;
}
