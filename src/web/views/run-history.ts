import type { SideCounts, SyncRun } from '../../model/sync-run.ts';
import { html, type SafeHtml } from '../html.ts';
import { formatDate, formatDuration, label, TRIGGER_LABELS } from './format.ts';

const moved = (c: SideCounts) => c.created + c.updated + c.linked;

/**
 * Records moved per run, oldest on the left: Connec! writes stacked on Constant Contact writes. An SVG
 * with a text alternative, so it needs no script and reads out as a sentence.
 */
export function renderRunChart(runs: readonly SyncRun[]): SafeHtml {
  const ordered = [...runs].reverse();
  if (ordered.length === 0) return html``;
  const width = 600;
  const height = 140;
  const slot = width / Math.max(ordered.length, 10);
  const bar = Math.max(4, slot * 0.7);
  const max = Math.max(1, ...ordered.map((r) => moved(r.counts.hub) + moved(r.counts.cc)));
  const scale = (n: number) => (n / max) * (height - 20);
  const bars = ordered.map((r, i) => {
    const hub = moved(r.counts.hub);
    const cc = moved(r.counts.cc);
    const x = i * slot + (slot - bar) / 2;
    const ccHeight = scale(cc);
    const hubHeight = scale(hub);
    return html`<g><title>${formatDate(r.startedAt)}: ${cc} to Constant Contact, ${hub} to Connec!</title>
<rect x="${x.toFixed(1)}" y="${(height - ccHeight).toFixed(1)}" width="${bar.toFixed(1)}" height="${ccHeight.toFixed(1)}" fill="#1856ed"/>
<rect x="${x.toFixed(1)}" y="${(height - ccHeight - hubHeight).toFixed(1)}" width="${bar.toFixed(1)}" height="${hubHeight.toFixed(1)}" fill="#7a5af8"/></g>`;
  });
  const total = ordered.reduce((sum, r) => sum + moved(r.counts.hub) + moved(r.counts.cc), 0);
  return html`<figure>
<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="Records moved in the last ${ordered.length} runs: ${total} in all, at most ${max} in one run.">
<line x1="0" y1="${height - 0.5}" x2="${width}" y2="${height - 0.5}" stroke="#d8dee6"/>${bars}</svg>
<figcaption class="legend"><span><span class="swatch cc"></span>To Constant Contact</span><span><span class="swatch hub"></span>To Connec!</span><span>Max ${max} per run</span></figcaption>
</figure>`;
}

const counts = (c: SideCounts) =>
  html`${c.created} created, ${c.updated} updated, ${c.linked} linked${c.failed ? html`, <strong>${c.failed} failed</strong>` : ''}`;

export function renderRunHistory(runs: readonly SyncRun[]): SafeHtml {
  if (runs.length === 0) return html`<p class="muted">No synchronization has run yet.</p>`;
  const rows = runs.map(
    (r) => html`<tr>
<td data-label="Started">${formatDate(r.startedAt)}</td>
<td data-label="Trigger">${label(TRIGGER_LABELS, r.trigger)}</td>
<td data-label="Duration">${formatDuration(r.startedAt, r.finishedAt)}</td>
<td data-label="To Constant Contact">${counts(r.counts.cc)}</td>
<td data-label="To Connec!">${counts(r.counts.hub)}</td>
<td data-label="Not shared" class="num">${r.counts.cc.excluded + r.counts.hub.excluded}</td>
<td data-label="Outcome"><span class="nowrap">${r.status}</span>${r.error ? html`<br><span class="muted">${r.error.message}</span>` : ''}${r.notices.map((n) => html`<br>${n}`)}</td>
</tr>`,
  );
  return html`<div class="table-wrap"><table class="responsive">
<caption class="muted caption">Most recent first</caption>
<thead><tr><th scope="col">Started</th><th scope="col">Trigger</th><th scope="col">Duration</th><th scope="col">To Constant Contact</th><th scope="col">To Connec!</th><th scope="col">Not shared</th><th scope="col">Outcome</th></tr></thead>
<tbody>${rows}</tbody></table></div>`;
}
