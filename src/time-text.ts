/** An instant as people read it, to the minute and in UTC, so every viewer and test sees the same text. */
export function utcMinute(iso: string): string {
  const at = new Date(iso).toISOString();
  return `${at.slice(0, 10)} ${at.slice(11, 16)} UTC`;
}
