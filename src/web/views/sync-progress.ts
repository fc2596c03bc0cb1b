import { MAPPINGS } from '../../mapping/registry.ts';
import type { SyncRun } from '../../model/sync-run.ts';
import type { LocalTimes } from '../../time-text.ts';
import { html, type SafeHtml } from '../html.ts';
import { countOf, recordCount } from './counts.ts';
import { formatWhen } from './format.ts';

/** How long the page keeps asking for a requested run that has not started (a busy scheduler, a lease). */
export const WAIT_FOR_RUN_MS = 2 * 60_000;

export interface ProgressState {
  organizationId: string;
  running: SyncRun | null;
  latest: SyncRun | null;
  /** Set after "Synchronize now" or linking: the page follows the run started after this instant. */
  awaitingSince: string | null;
  now: Date;
  /** The organization's time zone, read at `now`. */
  times: LocalTimes;
  /** Linked to CC: "Synchronize now" is offered. */
  linked: boolean;
  csrfToken: string;
  /** When the next automatic synchronization is due; null when none is planned (not linked, or unknown). */
  nextPollAt: Date | null;
}

function fragmentUrl(state: ProgressState): string {
  const base = `/organizations/${encodeURIComponent(state.organizationId)}/progress`;
  return state.awaitingSince ? `${base}?after=${encodeURIComponent(state.awaitingSince)}` : base;
}

/** True while the page should keep polling: a run goes on, or a requested one has not started yet. */
export function shouldPoll(state: ProgressState): boolean {
  if (state.running) return true;
  if (!state.awaitingSince) return false;
  const since = Date.parse(state.awaitingSince);
  if (Number.isNaN(since) || state.now.getTime() - since > WAIT_FOR_RUN_MS) return false;
  return !state.latest || Date.parse(state.latest.startedAt) < since - 1000;
}

/**
 * The live part of the page. While a run goes on it re-fetches itself every second (htmx) and shows the
 * records processed per collection; once the run ends it stops polling. Without JavaScript it shows the
 * state at page load.
 */
export function renderProgress(state: ProgressState): SafeHtml {
  const poll = shouldPoll(state);
  const attrs = poll
    ? html` hx-get="${fragmentUrl(state)}" hx-trigger="every 1s" hx-swap="outerHTML"`
    : html``;
  const run = state.running;
  let content: SafeHtml;
  if (run) {
    const entries = Object.entries(run.progress ?? {});
    content = html`<p><strong>Synchronizing…</strong> started ${formatWhen(state.times, run.startedAt)}, ${processedText(entries)} so far.</p>
<progress aria-label="Synchronization in progress"></progress>
<ul class="progress-list">${
      entries.length > 0
        ? entries.map(([collection, n]) => html`<li>${progressLabel(collection)}: <strong>${n}</strong></li>`)
        : html`<li class="muted">Reading changes…</li>`
    }</ul>`;
  } else if (poll) {
    content = html`<p><strong>Synchronization requested</strong>, starting…</p><progress aria-label="Waiting for the synchronization to start"></progress>`;
  } else if (state.latest) {
    const r = state.latest;
    const outcome = r.status === 'succeeded' ? 'finished' : r.status === 'failed' ? 'failed' : r.status;
    content = html`<p>Last synchronization ${outcome} ${formatWhen(state.times, r.finishedAt ?? r.startedAt)}.${
      r.error ? html` <span class="muted">${r.error.message}</span>` : ''
    }</p>`;
  } else {
    content = html`<p class="muted">No synchronization yet.</p>`;
  }
  return html`<div id="sync-progress" data-running="${run ? 'yes' : 'no'}"${attrs}><div id="sync-progress-status" role="status" aria-live="polite">${content}${nextSync(state, poll)}</div>${syncButton(state, poll)}</div>`;
}

/** "Synchronize now", or "Running…" (disabled) while a run goes on or a requested one is about to start. */
function syncButton(state: ProgressState, busy: boolean): SafeHtml {
  if (!state.linked) return html``;
  const action = `/organizations/${encodeURIComponent(state.organizationId)}/sync`;
  return html`<form method="post" action="${action}"><input type="hidden" name="_csrf" value="${state.csrfToken}">${
    busy
      ? html`<button type="submit" disabled aria-describedby="sync-progress-status">Running…</button>`
      : html`<button type="submit">Synchronize now</button>`
  }</form>`;
}

function nextSync(state: ProgressState, busy: boolean): SafeHtml {
  if (busy || !state.nextPollAt) return html``;
  return html`<p class="muted" data-next-sync="${state.nextPollAt.toISOString()}">Next automatic synchronization ${
    state.nextPollAt.getTime() <= state.now.getTime() + 45_000
      ? 'due now'
      : formatWhen(state.times, state.nextPollAt.toISOString())
  }.</p>`;
}

/** The key of a run's progress counting contacts read from CC; the other keys are hub collections. */
const CC_CONTACTS = 'contacts';

/** What a run's progress counts: a hub collection's records, or the contacts read from CC. */
function progressLabel(key: string): string {
  return key === CC_CONTACTS ? 'Constant Contact contacts' : `${MAPPINGS.collectionLabel(key)} in Connec!`;
}

/**
 * "12 Connec! records and 30 Constant Contact contacts processed": kept apart, as one contact may stand for
 * several records.
 */
function processedText(entries: ReadonlyArray<[string, number]>): string {
  const contacts = entries.reduce((sum, [key, n]) => (key === CC_CONTACTS ? sum + n : sum), 0);
  const records = entries.reduce((sum, [key, n]) => (key === CC_CONTACTS ? sum : sum + n), 0);
  if (contacts + records === 0) return 'nothing processed';
  const parts = [
    records > 0 ? recordCount(records) : '',
    contacts > 0 ? countOf(contacts, 'Constant Contact contact') : '',
  ].filter(Boolean);
  return `${parts.join(' and ')} processed`;
}
