import type { ListRole } from '../mapping/list-roles.ts';
import { contentHash, type SharedContact } from '../mapping/shared-contact.ts';
import type { RecordHistory } from './record-history.ts';
import type { MergeBase } from './three-way-merge.ts';

/**
 * What the id map remembers of a linked pair after a sync: each side's shared fields (the base of the next
 * three-way merge), the record's lists and state, and the hub record's top-level values the mapping
 * writes into (so a hub write keeps another app's sibling fields without reading the record again).
 * Read from the id map through `readContactSnapshot` (snapshot-codec.ts).
 */
export type ContactSnapshot = {
  hub: SharedContact;
  cc: SharedContact;
  roles: ListRole[];
  active: boolean;
  hubRaw: Record<string, unknown>;
  /**
   * Linked on the first link as both sides held it, although their values or lists differ: historical
   * data was not shared, so nothing was settled. Opting in to historical sharing settles them.
   */
  keptAsIs?: true;
  /** What the connector last wrote to each side, and the last conflict it settled. */
  history?: RecordHistory;
};

export function mergeBaseOf(snapshot: ContactSnapshot | null): MergeBase<SharedContact> | null {
  return snapshot ? { hub: snapshot.hub, cc: snapshot.cc } : null;
}

/** Fingerprint of a hub record's shared content: equal to the stored one means nothing to share. */
export function hubFingerprint(shared: SharedContact, roles: readonly ListRole[], active: boolean): string {
  return contentHash({ shared, roles, active });
}

/** Fingerprint of a CC contact's shared content, lists and consent. */
export function ccFingerprint(
  shared: SharedContact,
  roles: readonly ListRole[],
  unsubscribed: boolean,
  deleted: boolean,
): string {
  return contentHash({ shared, roles, unsubscribed, deleted });
}
