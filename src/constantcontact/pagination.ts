import { CcUnexpectedResponseError } from './errors.ts';
import type { CcPagingLinks } from './types.ts';

/** A page as CC returns it: some items plus, unless it is the last page, `_links.next.href`. */
export interface LinkedPage {
  _links?: CcPagingLinks | undefined;
}

/**
 * Walks CC's cursor pagination: fetches the first page, then follows `_links.next.href` until a page has
 * none. Yields page by page, so memory holds one page whatever the collection's size; stopping the loop
 * early sends no further request.
 *
 * @param fetchFirst fetches the first page (with the caller's query)
 * @param fetchNext fetches the page at a `next` href (its query already carries the cursor)
 */
export async function* paginate<TPage extends LinkedPage>(
  fetchFirst: () => Promise<TPage>,
  fetchNext: (path: string) => Promise<TPage>,
  apiBaseUrl: string,
): AsyncGenerator<TPage, void, undefined> {
  let page = await fetchFirst();
  const seen = new Set<string>();
  for (;;) {
    yield page;
    const href = page._links?.next?.href;
    if (!href) return;
    const path = nextPath(href, apiBaseUrl);
    // A cursor that comes back would loop for ever; better to fail loudly than to re-read pages silently.
    if (seen.has(path))
      throw new CcUnexpectedResponseError(`a pagination link repeats (${path.split('?')[0]})`);
    seen.add(path);
    page = await fetchNext(path);
  }
}

/**
 * The path and query of a `next` link. CC gives it relative (`/v3/contacts?cursor=...`); an absolute link is
 * accepted only on the API's own origin, so the bearer token is never sent elsewhere.
 */
export function nextPath(href: string, apiBaseUrl: string): string {
  if (href.startsWith('/')) return href;
  let url: URL;
  try {
    url = new URL(href);
  } catch (error) {
    throw new CcUnexpectedResponseError('a pagination link that is not a URL', undefined, { cause: error });
  }
  if (url.origin !== new URL(apiBaseUrl).origin) {
    throw new CcUnexpectedResponseError(`a pagination link to another host (${url.origin})`);
  }
  return `${url.pathname}${url.search}`;
}
