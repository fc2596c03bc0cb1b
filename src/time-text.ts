/** An instant as people read it, to the minute and in UTC, for text that is the same for every reader. */
export function utcMinute(iso: string): string {
  const at = new Date(iso).toISOString();
  return `${at.slice(0, 10)} ${at.slice(11, 16)} UTC`;
}

/** How far an instant is from now, as people say it: "in 12 minutes", "3 hours ago", "just now". */
export function relativeTime(at: Date, now: Date): string {
  const seconds = Math.round((at.getTime() - now.getTime()) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return seconds > 0 ? 'in a moment' : 'just now';
  const [n, unit] =
    abs < 45 * 60
      ? [Math.max(1, Math.round(abs / 60)), 'minute']
      : abs < 36 * 3600
        ? [Math.round(abs / 3600), 'hour']
        : [Math.round(abs / 86_400), 'day'];
  const amount = `${n} ${unit}${n === 1 ? '' : 's'}`;
  return seconds > 0 ? `in ${amount}` : `${amount} ago`;
}

/** `zone` when it names a time zone this runtime knows (IANA, as CC's `time_zone_id`), otherwise null. */
export function knownTimeZone(zone: string | null | undefined): string | null {
  const name = zone?.trim();
  if (!name) return null;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return name;
  } catch {
    // RangeError: not a zone ICU knows; the caller keeps UTC (or the zone it had) rather than fail.
    return null;
  }
}

/** An instant to the minute in `zone` (UTC when unknown), named: "2026-12-03 13:05 CST". */
export function zonedMinute(iso: string, zone: string | null | undefined): string {
  return localTimes(zone, new Date(iso)).minute(iso);
}

/** Instants shown in one time zone, read as one person would at `now`. */
export interface LocalTimes {
  /** The IANA zone the instants are shown in; `UTC` when the account's is not known. */
  readonly zone: string;
  /** "2026-12-03 13:05 CST": to the minute, with the zone's short name. */
  minute(iso: string): string;
  /** "Dec 3 13:05": short enough for a chart's axis, which names the zone once. */
  short(iso: string): string;
  /** "4 minutes ago", "in 2 hours". */
  relative(iso: string): string;
}

/**
 * Times as the organization's people live them: in `zone` (the CC account's), or UTC when it is unknown or
 * not one this runtime knows. Dates are written year first so they read the same in every country.
 */
export function localTimes(zone: string | null | undefined, now: Date): LocalTimes {
  const shown = knownTimeZone(zone) ?? 'UTC';
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: shown,
    timeZoneName: 'short',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const shortFormat = new Intl.DateTimeFormat('en-US', {
    timeZone: shown,
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const partsOf = (f: Intl.DateTimeFormat, iso: string) =>
    Object.fromEntries(f.formatToParts(new Date(iso)).map((part) => [part.type, part.value]));
  return {
    zone: shown,
    minute(iso) {
      const p = partsOf(format, iso);
      return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute} ${p.timeZoneName}`;
    },
    short(iso) {
      const p = partsOf(shortFormat, iso);
      return `${p.month} ${p.day} ${p.hour}:${p.minute}`;
    },
    relative: (iso) => relativeTime(new Date(iso), now),
  };
}
