import type { SideCounts, SyncRun } from '../../model/sync-run.ts';
import type { LocalTimes } from '../../time-text.ts';
import { html, type SafeHtml } from '../html.ts';
import { formatDate, formatDuration, label, TRIGGER_LABELS, zoneSentence } from './format.ts';

/** How many runs the chart shows, newest on the right. */
export const CHART_RUNS = 30;

const moved = (c: SideCounts) => c.created + c.updated + c.linked;

/** The axis top: at least 4, then 1, 2, 4, 6 or 8 times a power of ten, so both ticks are whole numbers. */
export function axisTop(max: number): number {
  if (max <= 4) return 4;
  const power = 10 ** Math.floor(Math.log10(max));
  const step = [1, 2, 4, 6, 8, 10].find((m) => m * power >= max) ?? 10;
  return step * power;
}

/**
 * Which runs get a date under the axis, counting from the newest: one every sixth of the slots, so dates
 * never crowd; on a phone only every other one shows (see styles).
 */
function labelled(count: number, slots: number): (index: number) => 'major' | 'minor' | null {
  const every = Math.max(1, Math.ceil(slots / 6));
  return (index) => {
    const fromNewest = count - 1 - index;
    if (fromNewest % every !== 0) return null;
    return fromNewest % (every * 2) === 0 ? 'major' : 'minor';
  };
}

// Plot units: one run per 10 wide, 100 high. The SVG stretches to its box (preserveAspectRatio none), so
// only rectangles and non-scaling lines are drawn in it; every word is HTML, readable at any width.
const SLOT = 10;
const BAR = 6;
// A few runs keep bars of a reading width, newest on the right, instead of stretching across the chart.
const MIN_SLOTS = 12;

/**
 * Records moved per run over the last runs, oldest on the left: writes to Constant Contact and to Connec!
 * stacked, failed runs shaded red, a labelled scale on the left and run dates below, in the account's
 * time zone. Before the first run it says what will appear.
 */
export function renderRunChart(runs: readonly SyncRun[], times: LocalTimes): SafeHtml {
  const ordered = runs.slice(0, CHART_RUNS).reverse();
  if (ordered.length === 0) {
    return html`<div class="chart-empty" data-chart-empty><p><strong>No synchronization yet.</strong></p>
<p class="muted">After each run, a bar here shows how many records it shared to Constant Contact and to Connec!, with failed runs marked in red.</p></div>`;
  }
  const top = axisTop(Math.max(...ordered.map((r) => moved(r.counts.hub) + moved(r.counts.cc))));
  const slots = Math.max(ordered.length, MIN_SLOTS);
  const empty = slots - ordered.length;
  const width = slots * SLOT;
  const y = (n: number) => 100 - (n / top) * 100;
  const failed = ordered.filter((r) => r.status === 'failed').length;
  const shapes = ordered.map((r, run) => {
    const i = empty + run;
    const cc = moved(r.counts.cc);
    const hub = moved(r.counts.hub);
    const x = i * SLOT + (SLOT - BAR) / 2;
    const band =
      r.status === 'failed'
        ? html`<rect class="failed-band" x="${i * SLOT}" y="0" width="${SLOT}" height="100"/><rect class="failed-mark" x="${i * SLOT}" y="96" width="${SLOT}" height="4"/>`
        : '';
    const what = `${formatDate(times, r.startedAt)}: ${cc} to Constant Contact, ${hub} to Connec!${r.status === 'failed' ? ', failed' : ''}`;
    return html`<g data-run="${r.id}" data-status="${r.status}"><title>${what}</title>${band}
<rect class="bar-cc" x="${x}" y="${y(cc).toFixed(2)}" width="${BAR}" height="${(100 - y(cc)).toFixed(2)}"/>
<rect class="bar-hub" x="${x}" y="${(y(cc + hub)).toFixed(2)}" width="${BAR}" height="${(y(cc) - y(cc + hub)).toFixed(2)}"/></g>`;
  });
  const toCc = ordered.reduce((sum, r) => sum + moved(r.counts.cc), 0);
  const toHub = ordered.reduce((sum, r) => sum + moved(r.counts.hub), 0);
  const first = ordered[0] as SyncRun;
  const last = ordered[ordered.length - 1] as SyncRun;
  const summary = `Records shared in the last ${ordered.length} run${ordered.length === 1 ? '' : 's'}, from ${formatDate(times, first.startedAt)} to ${formatDate(times, last.startedAt)}: ${toCc} to Constant Contact, ${toHub} to Connec!${failed ? `; ${failed} run${failed === 1 ? '' : 's'} failed` : ''}.`;
  const kind = labelled(ordered.length, slots);
  const dates = [
    ...Array.from({ length: empty }, () => html`<span></span>`),
    ...ordered.map((r, i) => {
      const k = kind(i);
      return k ? html`<span class="${k}">${times.short(r.startedAt)}</span>` : html`<span></span>`;
    }),
  ];
  return html`<figure class="run-chart" data-chart>
<div class="chart-title" id="chart-title">Records shared per run <span class="muted">(last ${ordered.length} run${ordered.length === 1 ? '' : 's'})</span></div>
<div class="chart-body">
<div class="y-axis" aria-hidden="true"><span data-tick>${top}</span><span data-tick>${top / 2}</span><span data-tick>0</span></div>
<svg class="chart" viewBox="0 0 ${width} 100" preserveAspectRatio="none" role="img" aria-labelledby="chart-title chart-summary">
<line x1="0" y1="0" x2="${width}" y2="0" class="grid"/><line x1="0" y1="50" x2="${width}" y2="50" class="grid"/><line x1="0" y1="100" x2="${width}" y2="100" class="axis"/>${shapes}</svg>
<div class="x-axis" aria-hidden="true">${dates}</div>
</div>
<p class="chart-axis-title muted" aria-hidden="true">Run start, ${times.zone}</p>
<p class="visually-hidden" id="chart-summary">${summary}</p>
<figcaption class="legend"><span><span class="swatch cc"></span>To Constant Contact</span><span><span class="swatch hub"></span>To Connec!</span>${failed ? html`<span><span class="swatch failed"></span>Failed run</span>` : ''}</figcaption>
</figure>`;
}

const counts = (c: SideCounts) =>
  html`${c.created} created, ${c.updated} updated, ${c.linked} linked${c.failed ? html`, <strong>${c.failed} failed</strong>` : ''}`;

export function renderRunHistory(runs: readonly SyncRun[], times: LocalTimes): SafeHtml {
  if (runs.length === 0) return html`<p class="muted">No synchronization has run yet.</p>`;
  const rows = runs.map(
    (r) => html`<tr>
<td data-label="Started"><time datetime="${r.startedAt}">${times.relative(r.startedAt)}</time><br><span class="muted nowrap">${formatDate(times, r.startedAt)}</span></td>
<td data-label="Trigger">${label(TRIGGER_LABELS, r.trigger)}</td>
<td data-label="Duration">${formatDuration(r.startedAt, r.finishedAt)}</td>
<td data-label="To Constant Contact">${counts(r.counts.cc)}</td>
<td data-label="To Connec!">${counts(r.counts.hub)}</td>
<td data-label="Not shared" class="num">${r.counts.cc.excluded + r.counts.hub.excluded}</td>
<td data-label="Outcome"><span class="nowrap">${r.status}</span>${r.error ? html`<br><span class="muted">${r.error.message}</span>` : ''}${r.notices.map((n) => html`<br>${n}`)}</td>
</tr>`,
  );
  return html`<div class="table-wrap"><table class="responsive">
<caption class="muted caption">Most recent first. ${zoneSentence(times)}</caption>
<thead><tr><th scope="col">Started</th><th scope="col">Trigger</th><th scope="col">Duration</th><th scope="col">To Constant Contact</th><th scope="col">To Connec!</th><th scope="col">Not shared</th><th scope="col">Outcome</th></tr></thead>
<tbody>${rows}</tbody></table></div>`;
}
