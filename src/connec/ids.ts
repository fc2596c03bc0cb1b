import type { IdArray, IdEntry } from './records.ts';

/** The provider name under which the connector registers its ids (CC contact ids) in Connec!. */
export const CONNECTOR_PROVIDER = 'constantcontact';
export const CONNEC_PROVIDER = 'connec';

/**
 * Connec!'s own id of a record: the one to use in `PUT /{collection}/{id}`. Found by provider alone: its realm
 * is the organization's channel id (`org-...`), which the connector does not know and need not.
 */
export function connecIdOf(ids: IdArray | null | undefined): string | undefined {
  return ids?.find((e) => e.provider === CONNEC_PROVIDER)?.id;
}

/**
 * The connector's id in an id array: the CC contact id registered for this CC account (`realm`), or
 * undefined when the record is not linked for that account.
 *
 *   findOwnId([{id: 'c1', provider: 'connec', realm: 'org-1'},
 *              {id: 'cc-9', provider: 'constantcontact', realm: 'acct-1'}], 'acct-1')   // 'cc-9'
 */
export function findOwnId(ids: IdArray | null | undefined, realm: string): string | undefined {
  return ids?.find((e) => e.provider === CONNECTOR_PROVIDER && e.realm === realm)?.id;
}

export function ownIdEntry(ccContactId: string, realm: string): IdEntry {
  return { id: ccContactId, provider: CONNECTOR_PROVIDER, realm };
}

/**
 * A copy of `ids` carrying the connector's entry for `realm`: added when missing, replaced when it named
 * another contact (one hub record links to one CC contact per account). Other entries are kept as they are.
 */
export function withOwnId(ids: IdArray | null | undefined, ccContactId: string, realm: string): IdArray {
  const others = (ids ?? []).filter((e) => !(e.provider === CONNECTOR_PROVIDER && e.realm === realm));
  return [...others, ownIdEntry(ccContactId, realm)];
}
