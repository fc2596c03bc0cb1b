export interface SharingRecord {
  hubCollection: string;
  hubId: string | null;
}

/** A collection's rank in the order of primacy (`MappingRegistry.primacyRank`). */
export type PrimacyRank = (collection: string) => number;

/**
 * Orders the hub records sharing one contact. The first is the contact's primary record, whose fields the
 * contact carries: by the registry's order of collections (people before organizations before employees),
 * then by hub id. It depends on nothing but the records, so every run (and every test) picks the same one,
 * whatever order they were linked in.
 */
export function comparePrimary(a: SharingRecord, b: SharingRecord, rank: PrimacyRank): number {
  return rank(a.hubCollection) - rank(b.hubCollection) || (a.hubId ?? '').localeCompare(b.hubId ?? '');
}

/** The primary record among those sharing a contact. */
export function primaryOf<T extends SharingRecord>(records: readonly T[], rank: PrimacyRank): T | undefined {
  return [...records].sort((a, b) => comparePrimary(a, b, rank))[0];
}
