import { CcUnexpectedResponseError } from './errors.ts';
import type { CcCall } from './http-transport.ts';
import { paginate } from './pagination.ts';
import type { CcContactList, CcContactListCreate, CcContactListsPage } from './types.ts';

/** The contact list endpoints of one organization's CC account. */
export class CcListsApi {
  readonly #call: CcCall;
  readonly #apiBaseUrl: string;

  constructor(call: CcCall, apiBaseUrl: string) {
    this.#call = call;
    this.#apiBaseUrl = apiBaseUrl;
  }

  /** Every list of the account, all pages read (accounts hold at most a few thousand lists). */
  async all(signal?: AbortSignal): Promise<CcContactList[]> {
    const fetchPage = async (path: string, query?: Record<string, number>) => {
      const page = await this.#call<CcContactListsPage>({ method: 'GET', path, query, signal });
      if (!page || !Array.isArray(page.lists)) {
        throw new CcUnexpectedResponseError('a lists page without a lists array', {
          method: 'GET',
          path: '/v3/contact_lists',
        });
      }
      return page;
    };
    const lists: CcContactList[] = [];
    for await (const page of paginate(
      () => fetchPage('/v3/contact_lists', { limit: 1000 }),
      fetchPage,
      this.#apiBaseUrl,
    )) {
      lists.push(...page.lists);
    }
    return lists;
  }

  /** `POST /v3/contact_lists`; a name already in use fails with `CcConflictError`. */
  create(list: CcContactListCreate, signal?: AbortSignal): Promise<CcContactList> {
    return this.#call({ method: 'POST', path: '/v3/contact_lists', body: list, signal });
  }
}
