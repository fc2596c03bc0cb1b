import type { ListRole } from '../../mapping/list-roles.ts';
import type { IdMap } from '../../model/id-map.ts';
import type { OrganizationSettings } from '../../model/organization.ts';
import { isHistorical } from '../historical.ts';
import { type PrimacyRank, primaryOf } from '../primary-record.ts';

/** What the planner knows of one contact CC changed (from the connector's copy), and its id maps. */
export interface ContactChangeFacts {
  deleted: boolean;
  /** Fingerprint of the contact as CC holds it now (fields, lists, consent). */
  fingerprint: string;
  /** The id maps linked to the contact, or failed while linked to it. */
  maps: readonly IdMap[];
}

/** What happens to one hub record sharing a contact CC changed. */
export type RecordAction =
  | { kind: 'unlink'; map: IdMap; rule: 'deleted-in-cc' }
  | { kind: 'unchanged'; map: IdMap; rule: 'echo' }
  | { kind: 'wait-for-retry'; map: IdMap; rule: 'failed-record' }
  | { kind: 'merge-to-hub'; map: IdMap; primary: boolean; rule: 'changed-in-cc' };

/**
 * What a change read from CC means: actions for the hub records sharing the contact, and whether the
 * contact is still new to the hub (no hub record holds it yet), which `decideNewContact` then decides.
 */
export interface ContactChangeDecision {
  actions: RecordAction[];
  isNew: boolean;
}

/**
 * Decides what a contact changed in CC does to the hub records sharing it. Its fields follow its primary
 * record only; a failed record waits for its retry, which merges both ways (linking it here would drop the
 * change it failed to send). A record whose hub creation failed has no hub id: the contact is still new.
 */
export function decideContactChange(facts: ContactChangeFacts, primacy: PrimacyRank): ContactChangeDecision {
  const { deleted, fingerprint, maps } = facts;
  const primaryId = primaryOf(
    maps.filter((m) => m.state === 'linked'),
    primacy,
  )?.id;
  const actions: RecordAction[] = [];
  for (const map of maps) {
    if (deleted) actions.push({ kind: 'unlink', map, rule: 'deleted-in-cc' });
    else if (map.ccHash === fingerprint && map.state === 'linked') {
      actions.push({ kind: 'unchanged', map, rule: 'echo' });
    } else if (!map.hubId) continue;
    else if (map.state === 'failed') actions.push({ kind: 'wait-for-retry', map, rule: 'failed-record' });
    else actions.push({ kind: 'merge-to-hub', map, primary: map.id === primaryId, rule: 'changed-in-cc' });
  }
  return { actions, isNew: !deleted && maps.every((m) => !m.hubId) };
}

/** What the planner knows of a contact no hub record is linked to. */
export interface NewContactFacts {
  email: string | null;
  createdAt: string | null;
  /** The connector's lists the contact is in. */
  listRoles: readonly ListRole[];
  /** Id maps of hub records holding its email (not unlinked ones). */
  holders: readonly IdMap[];
}

/** Where contacts born in CC go in the hub (declared by the mapping registry). */
export interface CcBornRules {
  settings: OrganizationSettings;
  /** The organization lets the receiving collection take changes from CC. */
  toHub: boolean;
  /** The list roles the receiving collection can hold, and the one given when the contact is in none. */
  roles: readonly ListRole[];
  defaultRole: ListRole;
}

export type NewContactDecision =
  | { kind: 'match'; rule: 'matched-by-email'; holders: readonly IdMap[] }
  | { kind: 'skip'; rule: 'historical' | 'direction-off' | 'no-email' }
  | { kind: 'create'; rule: 'born-in-cc'; roles: ListRole[] };

/**
 * Decides what a contact new to the hub becomes: the hub records already holding its email (they are
 * re-shared and link to it, never a duplicate), else a new hub record in the lists' roles (the default
 * role when in none of them), unless it existed before sharing started or the direction is off.
 */
export function decideNewContact(facts: NewContactFacts, rules: CcBornRules): NewContactDecision {
  if (facts.holders.length > 0) return { kind: 'match', rule: 'matched-by-email', holders: facts.holders };
  if (!facts.email) return { kind: 'skip', rule: 'no-email' };
  if (isHistorical(rules.settings, facts.createdAt)) return { kind: 'skip', rule: 'historical' };
  if (!rules.toHub) return { kind: 'skip', rule: 'direction-off' };
  const roles = facts.listRoles.filter((r) => rules.roles.includes(r));
  return { kind: 'create', rule: 'born-in-cc', roles: roles.length > 0 ? roles : [rules.defaultRole] };
}
