import type { CcContact } from '../constantcontact/types.ts';
import type { LinkInput } from '../db/repositories/id-maps.ts';
import { contactListRoles, contactToShared, isUnsubscribed } from '../mapping/contact-shared.ts';
import type { ListRole } from '../mapping/list-roles.ts';
import type { SharedContact } from '../mapping/shared-contact.ts';
import type { HubCollection } from '../model/hub-collections.ts';
import { type ContactSnapshot, ccFingerprint, hubFingerprint } from './contact-snapshot.ts';
import type { RecordHistory } from './record-history.ts';

/** A hub record and its CC contact as both now hold them: what the id map records of a linked pair. */
export interface PairState {
  organizationId: string;
  hubCollection: HubCollection;
  hubId: string;
  /** The hub record's shared fields, its lists and whether it is active. */
  hub: SharedContact;
  roles: ListRole[];
  active: boolean;
  /** The hub record's top-level values the mapping writes into. */
  hubRaw: Record<string, unknown>;
  /** The contact as CC holds it. */
  contact: CcContact;
  keptAsIs?: true;
  history?: RecordHistory;
}

/**
 * The link of a pair: its snapshot (the base of the next merge) and the fingerprints that tell the
 * connector's own writes from real changes when each side is read again. Every link of a contact pair is
 * built here, so the two never disagree on what was recorded.
 */
export function pairLink(state: PairState, roleOfListId: ReadonlyMap<string, ListRole>): LinkInput {
  const cc = contactToShared(state.contact);
  const snapshot: ContactSnapshot = {
    hub: state.hub,
    cc,
    roles: state.roles,
    active: state.active,
    hubRaw: state.hubRaw,
    ...(state.keptAsIs ? { keptAsIs: true } : {}),
    ...(state.history ? { history: state.history } : {}),
  };
  return {
    organizationId: state.organizationId,
    hubCollection: state.hubCollection,
    hubId: state.hubId,
    ccContactId: state.contact.contact_id,
    email: state.hub.email,
    hubHash: hubFingerprint(state.hub, state.roles, state.active),
    ccHash: ccFingerprint(
      cc,
      contactListRoles(state.contact, roleOfListId),
      isUnsubscribed(state.contact),
      false,
    ),
    snapshot,
  };
}
