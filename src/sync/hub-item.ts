import { connecIdOf } from '../connec/ids.ts';
import type { ConnecRecord } from '../connec/records.ts';
import {
  type ContactMapping,
  hubListRoles,
  hubToShared,
  isHubActive,
} from '../mapping/define-contact-mapping.ts';
import type { ListRole } from '../mapping/list-roles.ts';
import type { SharedContact } from '../mapping/shared-contact.ts';
import { hubFingerprint } from './contact-snapshot.ts';

/** A hub record of any collection the connector shares as contacts. */
export type HubRecord = ConnecRecord;

/** A hub record read for sharing, with what the mapping makes of it. */
export interface HubItem {
  mapping: ContactMapping;
  record: HubRecord;
  hubId: string;
  shared: SharedContact;
  roles: ListRole[];
  active: boolean;
  fingerprint: string;
}

/** What the mapping makes of a hub record; null for a record without a Connec! id. */
export function toItem(mapping: ContactMapping, record: HubRecord): HubItem | null {
  const hubId = connecIdOf(record.id);
  if (!hubId) return null;
  const shared = hubToShared(mapping, record);
  const roles = hubListRoles(mapping, record);
  const active = isHubActive(mapping, record);
  return {
    mapping,
    record,
    hubId,
    shared,
    roles,
    active,
    fingerprint: hubFingerprint(shared, roles, active),
  };
}
