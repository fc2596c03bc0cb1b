import type { ContactWithRecords } from '../../model/contact-with-records.ts';
import type { LinkedIdMap } from '../../model/id-map.ts';
import type { LocalTimes } from '../../time-text.ts';
import type { ContactOnPage } from '../contact-lists.ts';
import { html, type SafeHtml } from '../html.ts';
import { contactCount, recordCount } from './counts.ts';
import { formatWhen } from './format.ts';
import { displayName, listTags, type PageLinks, pager, recordKind } from './records.ts';

export interface SharedContactsModel {
  items: readonly ContactWithRecords[];
  /** Names and lists of the contacts on the page, by contact id, from the connector's copy of CC. */
  contacts: ReadonlyMap<string, ContactOnPage>;
  /** Contacts and hub records matching the search (all of them without one). */
  totals: { contacts: number; records: number };
  links: PageLinks;
  search: string;
  /** The company profile's link, when it is shared. */
  companyProfile: LinkedIdMap | null;
  /** The connector page's URL: the search goes to it, record pages live under it. */
  base: string;
  /** The organization's time zone, read now. */
  times: LocalTimes;
}

/** A hub record behind a contact, linking to its detail page: "Person (customer): Ada Baker". */
function recordLink(map: LinkedIdMap, base: string): SafeHtml {
  return html`${recordKind(map)}: <a href="${base}/records/${map.id}">${displayName(map, new Map()) ?? map.email ?? 'Record'}</a>`;
}

function companyProfileLine(map: LinkedIdMap | null, base: string, times: LocalTimes): SafeHtml {
  if (!map) return html``;
  return html`<p data-company-profile>The company profile is shared with the Constant Contact account's details <span class="muted">(last synced ${formatWhen(times, map.lastSyncedAt)})</span>. <a href="${base}/records/${map.id}">Company profile details</a></p>`;
}

function summary(m: SharedContactsModel): SafeHtml {
  const { contacts, records } = m.totals;
  if (contacts === 0) {
    return html`<p class="muted">${m.search ? 'No shared contact matches this search.' : 'No contact is shared yet.'}</p>`;
  }
  const verb = m.search ? (contacts === 1 ? 'matches' : 'match') : 'shared';
  return html`<p data-shared-count>${contactCount(contacts)} ${verb}, from ${recordCount(records)}.</p>`;
}

/**
 * The "Shared" list: each Constant Contact contact once, with its CC lists and the Connec! records shared
 * with it (several records with one email share one contact), searchable by email and paged by contact.
 */
export function renderSharedContacts(m: SharedContactsModel): SafeHtml {
  const rows = m.items.map((c) => {
    const contact = m.contacts.get(c.ccContactId);
    const email = c.records.find((r) => r.email)?.email ?? null;
    const name = contact?.name ?? c.records.map((r) => displayName(r, new Map())).find(Boolean) ?? email;
    return html`<tr data-contact="${c.ccContactId}">
<td data-label="Contact">${name ?? html`<span class="muted">(no name)</span>`}</td>
<td data-label="Email">${email ?? '—'}</td>
<td data-label="Constant Contact lists">${listTags(contact?.lists)}</td>
<td data-label="From Connec!"><ul class="records">${c.records.map((r) => html`<li>${recordLink(r, m.base)}</li>`)}</ul></td>
<td data-label="Last synced">${formatWhen(m.times, c.lastSyncedAt)}</td>
</tr>`;
  });
  return html`${companyProfileLine(m.companyProfile, m.base, m.times)}
<form class="search" method="get" action="${m.base}#shared" role="search">
<label for="shared-search">Search by email</label>
<input id="shared-search" type="search" name="q" value="${m.search}" placeholder="e.g. ada@ or example.com">
<button type="submit" class="secondary">Search</button>
${m.search ? html`<a href="${m.base}#shared">Clear</a>` : ''}
</form>
${summary(m)}
${
  m.items.length === 0
    ? ''
    : html`<div class="table-wrap"><table class="responsive" id="shared-table"><thead><tr><th scope="col">Contact</th><th scope="col">Email</th><th scope="col">Constant Contact lists</th><th scope="col">From Connec!</th><th scope="col">Last synced</th></tr></thead>
<tbody>${rows}</tbody></table></div>`
}
${pager(m.links, contactCount, 'the shared contacts')}`;
}
