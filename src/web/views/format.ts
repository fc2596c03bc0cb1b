import { utcMinute } from '../../time-text.ts';

/** Dates as people read them (see `utcMinute`); a dash for none. */
export function formatDate(iso: string | null): string {
  return iso ? utcMinute(iso) : '—';
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
