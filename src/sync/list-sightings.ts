import type { CcContact } from '../constantcontact/types.ts';
import type { MirroredContact } from '../db/repositories/cc-mirror.ts';

/**
 * What the contacts read in a run tell about the connector's lists, at no request: a list a read contact
 * is in exists; a list a read contact has left (it was in it when last seen) may have been deleted.
 */
export class ListSightings {
  readonly seen = new Set<string>();
  readonly left = new Set<string>();

  /** Compares each contact read with how the connector last saw it, for the connector's lists only. */
  observe(
    ourListIds: ReadonlySet<string>,
    before: ReadonlyMap<string, MirroredContact>,
    read: readonly CcContact[],
  ): void {
    for (const contact of read) {
      const now = new Set(contact.list_memberships ?? []);
      for (const id of now) if (ourListIds.has(id)) this.seen.add(id);
      // A deleted contact leaves every list: that says nothing about the lists.
      if (contact.deleted_at) continue;
      for (const id of before.get(contact.contact_id)?.contact.list_memberships ?? []) {
        if (ourListIds.has(id) && !now.has(id)) this.left.add(id);
      }
    }
  }

  /** Lists some contact left while no contact read shows them still in use: worth one look. */
  suspects(): Set<string> {
    return new Set([...this.left].filter((id) => !this.seen.has(id)));
  }
}
