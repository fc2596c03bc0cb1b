import { COMPANY_COLLECTION, MAPPINGS } from '../../mapping/registry.ts';
import type { NotSharedCounts } from '../../model/contact-with-records.ts';
import type { IdMap } from '../../model/id-map.ts';
import { EXISTED_BEFORE_SHARING } from '../../sync/reasons.ts';
import { readContactSnapshot } from '../../sync/snapshot-codec.ts';
import type { LocalTimes } from '../../time-text.ts';
import { type ContactLists, otherListsText } from '../contact-lists.ts';
import { html, type SafeHtml } from '../html.ts';
import { notSharedText, recordCount } from './counts.ts';
import { formatWhen } from './format.ts';

export const PAGE_SIZE = 20;

/** A linked record's name as both sides last agreed, or the name looked up for the page. */
export function displayName(map: IdMap, looked: ReadonlyMap<string, string>): string | null {
  const snapshot = readContactSnapshot(map.snapshot);
  const shared = snapshot?.hub ?? snapshot?.cc;
  const name = shared
    ? [shared.first_name, shared.last_name].filter(Boolean).join(' ') || shared.company_name
    : null;
  if (map.hubCollection === COMPANY_COLLECTION) return 'Company profile';
  return name || looked.get(map.id) || null;
}

/** What a hub record is in Connec!, with its roles: "Person (customer, lead)". */
export function recordKind(map: IdMap): SafeHtml {
  const roles = readContactSnapshot(map.snapshot)?.roles ?? [];
  const kind = MAPPINGS.recordLabel(map.hubCollection);
  const role = roles.filter((r) => r !== 'employee').join(', ');
  return html`${kind}${role ? html` <span class="muted">(${role})</span>` : ''}`;
}

/** The CC lists a contact is in, as tags; a dash for none. */
export function listTags(lists: ContactLists | undefined): SafeHtml {
  if (!lists || lists.ours.length + lists.others === 0) return html`<span class="muted">—</span>`;
  return html`${lists.ours.map((name) => html`<span class="tag">${name}</span>`)}${
    lists.others > 0 ? html` <span class="muted">${otherListsText(lists.others)}</span>` : ''
  }`;
}

export interface PageLinks {
  /** Builds the URL of another page of the list (keeps the other list's position and the search). */
  href(offset: number): string;
  offset: number;
  total: number;
  /** The id of the list's section, so the links land back on it. */
  anchor: string;
}

/**
 * Links to the list's other pages and where this one is ("1–20 of 120 contacts", `count` writing the number
 * with what it counts); nothing when the list fits on one page.
 */
export function pager(links: PageLinks, count: (n: number) => string, listName: string): SafeHtml {
  const { offset, total } = links;
  if (total <= PAGE_SIZE) return html``;
  const from = offset + 1;
  const to = Math.min(total, offset + PAGE_SIZE);
  return html`<nav class="pager" aria-label="Pages of ${listName}">
${offset > 0 ? html`<a href="${links.href(Math.max(0, offset - PAGE_SIZE))}#${links.anchor}" rel="prev">Previous</a>` : ''}
<span>${from}–${to} of ${count(total)}</span>
${to < total ? html`<a href="${links.href(offset + PAGE_SIZE)}#${links.anchor}" rel="next">Next</a>` : ''}
</nav>`;
}

export const STATE_LABELS: Record<string, string> = {
  excluded: 'Not sent',
  failed: 'Failing',
  unlinked: 'Deleted in Constant Contact',
};

/**
 * The records not shared, one row per hub record (a contact from CC whose hub record could not be created
 * has a row of its own), each with why and what comes next.
 */
export function renderNotShared(
  items: readonly IdMap[],
  names: ReadonlyMap<string, string>,
  links: PageLinks,
  retry: { action: string; csrfToken: string; failing: NotSharedCounts },
  kinds: NotSharedCounts,
  times: LocalTimes,
): SafeHtml {
  const retryButton = (m: IdMap) =>
    m.state === 'failed'
      ? html`<form class="inline" method="post" action="${retry.action}"><input type="hidden" name="_csrf" value="${retry.csrfToken}"><input type="hidden" name="id" value="${m.id}"><button type="submit" class="small secondary" aria-label="Retry ${displayName(m, names) ?? m.email ?? 'this record'}">Retry</button></form>`
      : m.state === 'excluded'
        ? html`<span class="muted">${m.reason === EXISTED_BEFORE_SHARING ? 'Shared with historical data' : 'Shared once the record is fixed'}</span>`
        : html``;
  const rows = items.map(
    (m) => html`<tr>
<td data-label="Name">${displayName(m, names) ?? html`<span class="muted">(name unavailable)</span>`}</td>
<td data-label="Email">${m.email ?? html`<span class="muted">none</span>`}</td>
<td data-label="In Connec!">${MAPPINGS.recordLabel(m.hubCollection)}${m.hubId ? '' : html` <span class="muted">(from Constant Contact, not created yet)</span>`}</td>
<td data-label="Status"><span class="tag ${m.state}">${STATE_LABELS[m.state] ?? m.state}</span></td>
<td data-label="Reason">${m.reason ?? ''}${m.state === 'failed' && m.nextRetryAt ? html`<br><span class="muted">next try ${formatWhen(times, m.nextRetryAt)}</span>` : ''}</td>
<td data-label="Action">${retryButton(m)}</td>
</tr>`,
  );
  const failing = retry.failing.records + retry.failing.contacts;
  // Rows are hub records, unless contacts from CC that Connec! did not take are among them.
  const count = (n: number) => (kinds.contacts > 0 ? `${n} not shared` : `${recordCount(n)} not shared`);
  return html`${
    failing > 0
      ? html`<form method="post" action="${retry.action}" class="actions"><input type="hidden" name="_csrf" value="${retry.csrfToken}"><button type="submit" class="secondary">Retry all failing (${notSharedText(retry.failing)})</button></form>`
      : ''
  }
${
  items.length === 0
    ? html`<p class="muted">Every Connec! record is shared.</p>`
    : html`<div class="table-wrap"><table class="responsive" id="not-shared-table"><thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">In Connec!</th><th scope="col">Status</th><th scope="col">Reason</th><th scope="col"><span class="muted">Action</span></th></tr></thead>
<tbody>${rows}</tbody></table></div>`
}
${links.total <= PAGE_SIZE ? html`<p class="muted">${count(links.total)}.</p>` : pager(links, count, 'the records not shared')}`;
}
