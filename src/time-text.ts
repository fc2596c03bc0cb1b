/** An instant as people read it, to the minute and in UTC, so every viewer and test sees the same text. */
export function utcMinute(iso: string): string {
  const at = new Date(iso).toISOString();
  return `${at.slice(0, 10)} ${at.slice(11, 16)} UTC`;
}

/** How far an instant is from now, as people say it: "in 12 minutes", "3 hours ago", "now". */
export function relativeTime(at: Date, now: Date): string {
  const seconds = Math.round((at.getTime() - now.getTime()) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return 'now';
  const [n, unit] =
    abs < 45 * 60
      ? [Math.max(1, Math.round(abs / 60)), 'minute']
      : abs < 36 * 3600
        ? [Math.round(abs / 3600), 'hour']
        : [Math.round(abs / 86_400), 'day'];
  const amount = `${n} ${unit}${n === 1 ? '' : 's'}`;
  return seconds > 0 ? `in ${amount}` : `${amount} ago`;
}
