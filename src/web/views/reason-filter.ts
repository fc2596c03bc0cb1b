import { html, type SafeHtml } from '../html.ts';

/**
 * Above the "Not shared" list: a filter by reason (with how many records each), and the whole list, or the
 * filtered part, as a CSV file to work through in a spreadsheet.
 */
export function renderReasonFilter(
  reasons: ReadonlyArray<{ reason: string; count: number }>,
  chosen: string | null,
  base: string,
): SafeHtml {
  if (reasons.length === 0) return html``;
  const total = reasons.reduce((sum, r) => sum + r.count, 0);
  const options = reasons.map(
    (r) =>
      html`<option value="${r.reason}"${r.reason === chosen ? html` selected` : ''}>${r.reason} (${r.count})</option>`,
  );
  const csv = `${base}/not-shared.csv${chosen ? `?reason=${encodeURIComponent(chosen)}` : ''}`;
  return html`<form method="get" action="${base}#not-shared" class="search filter">
<label for="reason-filter">Reason</label>
<select id="reason-filter" name="reason"><option value="">All reasons (${total})</option>${options}</select>
<button type="submit" class="secondary">Filter</button>
<a class="button secondary" href="${csv}" download>Download as CSV</a>
</form>`;
}
