import { primacyRank } from '../mapping/registry.ts';

export interface SharingRecord {
  hubCollection: string;
  hubId: string | null;
}

/**
 * Orders the hub records sharing one contact. The first is the contact's primary record, whose fields the
 * contact carries: by the registry's order of collections (people before organizations before employees),
 * then by hub id. It depends on nothing but the records, so every run (and every test) picks the same one,
 * whatever order they were linked in.
 */
export function comparePrimary(a: SharingRecord, b: SharingRecord): number {
  return (
    primacyRank(a.hubCollection) - primacyRank(b.hubCollection) ||
    (a.hubId ?? '').localeCompare(b.hubId ?? '')
  );
}

/** The primary record among those sharing a contact. */
export function primaryOf<T extends SharingRecord>(records: readonly T[]): T | undefined {
  return [...records].sort(comparePrimary)[0];
}
