import type { LocalTimes } from '../../time-text.ts';
import { html, type SafeHtml } from '../html.ts';

/** An instant in the organization's time zone ("2026-12-03 13:05 CST"); a dash for none. */
export function formatDate(times: LocalTimes, iso: string | null): string {
  return iso ? times.minute(iso) : '—';
}

/**
 * An instant as how long ago (or how soon) it is, with the time itself beside it: "4 minutes ago
 * (2026-12-03 13:05 CST)". The relative part is what people read first; the exact one is what they quote.
 */
export function formatWhen(times: LocalTimes, iso: string | null): SafeHtml {
  if (!iso) return html`—`;
  return html`<time datetime="${iso}">${times.relative(iso)}</time> <span class="muted nowrap">(${times.minute(iso)})</span>`;
}

/** The sentence that names the zone the page's times are in. */
export function zoneSentence(times: LocalTimes): string {
  return times.zone === 'UTC'
    ? 'Times are in UTC until the Constant Contact account gives its time zone.'
    : `Times are in ${times.zone}, the Constant Contact account's time zone.`;
}

export function formatDuration(startIso: string, endIso: string | null): string {
  if (!endIso) return 'running';
  const ms = Math.max(0, Date.parse(endIso) - Date.parse(startIso));
  if (ms < 1000) return `${ms} ms`;
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

export const TRIGGER_LABELS: Record<string, string> = {
  schedule: 'Scheduled',
  notification: 'Change in another app',
  manual: 'Synchronize now',
  first_link: 'First connection',
  historical: 'Sharing historical data',
};

export const label = (map: Record<string, string>, key: string) => map[key] ?? key;
