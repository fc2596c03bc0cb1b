import { MAPPINGS } from '../../mapping/registry.ts';
import type { IdMap } from '../../model/id-map.ts';
import {
  type DecidedConflict,
  explainConflict,
  fieldLabel,
  type SideChange,
  shownValue,
} from '../../sync/record-history.ts';
import { readContactSnapshot } from '../../sync/snapshot-codec.ts';
import type { LocalTimes } from '../../time-text.ts';
import { type ContactLists, otherListsText } from '../contact-lists.ts';
import { html, type SafeHtml } from '../html.ts';
import { formatDate, formatWhen, zoneSentence } from './format.ts';
import { displayName, STATE_LABELS } from './records.ts';

function sideChange(change: SideChange | undefined, times: LocalTimes): SafeHtml {
  if (!change) return html`<span class="muted">Nothing written yet.</span>`;
  return html`${change.fields.map(fieldLabel).join(', ')} <span class="muted">(${formatDate(times, change.at)})</span>`;
}

function conflictRows(items: readonly DecidedConflict[], times: LocalTimes): SafeHtml {
  return html`<div class="table-wrap"><table class="responsive">
<thead><tr><th scope="col">Field</th><th scope="col">In Connec!</th><th scope="col">In Constant Contact</th><th scope="col">Kept</th><th scope="col">Why</th></tr></thead>
<tbody>${items.map(
    (c) => html`<tr>
<td data-label="Field" class="nowrap">${fieldLabel(c.field)}</td>
<td data-label="In Connec!">${shownValue(c.hub)}</td>
<td data-label="In Constant Contact">${shownValue(c.cc)}</td>
<td data-label="Kept" class="nowrap">${c.chosen === 'hub' ? 'Connec!' : 'Constant Contact'}</td>
<td data-label="Why">${explainConflict(c, times.minute)}</td>
</tr>`,
  )}</tbody></table></div>`;
}

/** The other hub records sharing the record's contact, each a link to its own detail page. */
function alsoShared(others: readonly IdMap[], base: string): SafeHtml {
  if (others.length === 0) return html``;
  const links = others.map(
    (o, i) =>
      html`${i > 0 ? ', ' : ''}<a href="${base}/records/${o.id}">${displayName(o, new Map()) ?? o.email ?? 'Record'}</a> <span class="muted">(${MAPPINGS.recordLabel(o.hubCollection)}${o.state === 'linked' ? '' : `, ${(STATE_LABELS[o.state] ?? o.state).toLowerCase()}`})</span>`,
  );
  return html`<p data-also-shared>This contact is also shared from: ${links}.</p>`;
}

/**
 * One record's detail: what it is linked to, what the connector last wrote to each side, and why;
 * `alsoSharedFrom` lists the other hub records sharing its Constant Contact contact.
 */
export function renderRecordDetail(
  map: IdMap,
  lists: ContactLists | undefined,
  base: string,
  times: LocalTimes,
  alsoSharedFrom: readonly IdMap[] = [],
): SafeHtml {
  const snapshot = readContactSnapshot(map.snapshot);
  const history = snapshot?.history;
  const name = displayName(map, new Map()) ?? map.email ?? 'Record';
  const state = map.state === 'linked' ? 'Shared' : (STATE_LABELS[map.state] ?? map.state);
  const listNames = lists
    ? [...lists.ours, ...(lists.others > 0 ? [otherListsText(lists.others)] : [])].join(', ') || 'none'
    : '—';
  return html`<p><a href="${base}#shared">← Back to the connector</a></p>
<h1>${name}</h1>
<section class="card"><dl class="facts">
<dt>In Connec!</dt><dd>${MAPPINGS.recordLabel(map.hubCollection)}${map.hubId ? html` <span class="muted">${map.hubId}</span>` : ''}</dd>
<dt>Email</dt><dd>${map.email ?? '—'}</dd>
<dt>Constant Contact contact</dt><dd>${map.ccContactId ?? '—'}</dd>
<dt>Constant Contact lists</dt><dd>${listNames}</dd>
<dt>State</dt><dd>${state}${map.reason ? html`: ${map.reason}` : ''}</dd>
<dt>Last synced</dt><dd>${formatWhen(times, map.lastSyncedAt)}</dd>
</dl>${alsoShared(alsoSharedFrom, base)}
<p class="muted">${zoneSentence(times)}</p></section>
<section class="card" id="last-changes"><h2>Last changes</h2><dl class="facts">
<dt>To Connec!</dt><dd data-side="hub">${sideChange(history?.toHub, times)}</dd>
<dt>To Constant Contact</dt><dd data-side="cc">${sideChange(history?.toCc, times)}</dd>
</dl>
${
  snapshot?.keptAsIs
    ? html`<p class="muted">Linked on the first link as each side held it: values that differ are settled once historical data is shared.</p>`
    : ''
}</section>
<section class="card" id="conflicts"><h2>Last conflict</h2>${
    history?.conflicts
      ? html`<p class="muted">Both sides had changed these fields (${formatDate(times, history.conflicts.at)}):</p>${conflictRows(history.conflicts.items, times)}`
      : html`<p class="muted">No conflict so far: every change came from one side.</p>`
  }</section>`;
}
