import type { NotSharedCounts } from '../../model/contact-with-records.ts';

// Several Connec! records can share one Constant Contact contact, so a bare number on the page would not say
// which of the two it counts: every count is written with its noun, through these.

/** A number with its noun, singular or plural: "1 contact", "3 contacts". */
export function countOf(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export const contactCount = (n: number) => countOf(n, 'contact');
export const recordCount = (n: number) => countOf(n, 'Connec! record');

/** "120 contacts, from 134 Connec! records". */
export function sharedText(shared: { contacts: number; records: number }): string {
  return `${contactCount(shared.contacts)}, from ${recordCount(shared.records)}`;
}

/**
 * What is not shared, by kind: "3 Connec! records", "3 Connec! records and 1 contact from Constant Contact";
 * "none" when both are zero.
 */
export function notSharedText(counts: NotSharedCounts): string {
  const parts = [
    counts.records > 0 ? recordCount(counts.records) : '',
    counts.contacts > 0
      ? countOf(counts.contacts, 'contact from Constant Contact', 'contacts from Constant Contact')
      : '',
  ].filter(Boolean);
  return parts.join(' and ') || 'none';
}
