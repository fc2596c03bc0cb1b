import type { Organization } from '../../model/organization.ts';
import type { HistoricalPreview } from '../../sync/historical-preview.ts';
import type { LocalTimes } from '../../time-text.ts';
import { html, type SafeHtml } from '../html.ts';
import { formatDate } from './format.ts';

const WINNER_WORDS = {
  newest: 'where the two differ, the side changed last wins (your winning-side setting)',
  hub: 'where the two differ, Connec! wins (your winning-side setting)',
  cc: 'where the two differ, Constant Contact wins (your winning-side setting)',
} as const;

export function renderHistoricalPreview(
  organization: Organization,
  preview: HistoricalPreview,
  options: { canChange: boolean; csrfToken: string; base: string; times: LocalTimes },
): SafeHtml {
  const excluded = Object.entries(preview.excluded);
  const table = html`<div class="table-wrap"><table class="responsive">
<thead><tr><th scope="col">What would happen</th><th scope="col" class="num">Into Constant Contact</th><th scope="col" class="num">Into Connec!</th></tr></thead>
<tbody>
<tr><th scope="row">Created</th><td class="num" data-label="Into Constant Contact" data-preview="to-cc-create">${preview.toCc.create}</td><td class="num" data-label="Into Connec!" data-preview="to-hub-create">${preview.toHub.create}</td></tr>
<tr><th scope="row">Linked to a record with the same email</th><td class="num" data-label="Into Constant Contact" data-preview="to-cc-link">${preview.toCc.link}</td><td class="num" data-label="Into Connec!" data-preview="to-hub-link">${preview.toHub.link}</td></tr>
</tbody></table></div>
<p data-preview="settle">Matched on the first link and linked as they were, although their values or lists differ: <strong>${preview.settle}</strong>. Sharing history settles them field by field: ${WINNER_WORDS[organization.settings.conflictWinner]}. An email written differently (capitals, spaces) is the same email and is never rewritten.</p>
<h2>Not shared whatever you choose</h2>
${
  excluded.length === 0
    ? html`<p class="muted">None.</p>`
    : html`<ul>${excluded.map(([reason, n]) => html`<li>${reason}: <strong>${n}</strong></li>`)}</ul>`
}`;
  const form = organization.settings.shareHistorical
    ? html`<p class="notice info">Historical data is already shared.</p>`
    : options.canChange
      ? html`<form method="post" action="${options.base}/historical">
<input type="hidden" name="_csrf" value="${options.csrfToken}">
<p class="notice error" id="cannot-undo"><strong>This cannot be undone.</strong> Records shared with the other side stay there, and sharing historical data cannot be turned off afterwards.</p>
<p><label class="radio"><input type="checkbox" name="confirm" value="yes" required aria-describedby="cannot-undo"> I understand that sharing historical data cannot be undone</label></p>
<div class="actions"><button type="submit">Share historical data</button> <a href="${options.base}#settings">Cancel</a></div>
</form>`
      : html`<p class="notice info">Only an Admin or Super Admin of this organization can share historical data.</p>`;
  return html`<p><a href="${options.base}#settings">← Back to the connector</a></p>
<h1>Share historical data of ${organization.name}</h1>
<p class="sub">Today only records created after the connection (${formatDate(options.times, organization.settings.sharingStartsAt)}) are shared. Sharing historical data also shares everything that existed before, on both sides:</p>
<section class="card">${table}</section>
<section class="card">${form}</section>`;
}
