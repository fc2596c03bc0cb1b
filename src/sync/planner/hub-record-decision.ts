import { checkEmail } from '../../mapping/eligibility.ts';
import { normalizeEmail } from '../../mapping/normalize-email.ts';
import type { IdMap } from '../../model/id-map.ts';
import type { OrganizationSettings } from '../../model/organization.ts';
import { isHistorical } from '../historical.ts';
import type { HubItem } from '../hub-item.ts';
import { EXISTED_BEFORE_SHARING, NO_ROLE } from '../reasons.ts';
import { readContactSnapshot } from '../snapshot-codec.ts';

/** What the planner knows of one hub record read for sharing with CC; gathered by the caller, no I/O here. */
export interface HubRecordFacts {
  item: HubItem;
  /** The record's id map, if the connector met it before. */
  map: IdMap | null;
  /**
   * The contact holding the record's email when the record is not linked yet: the contact of another
   * linked hub record with that email, or else the one in the copy of CC.
   */
  emailHolder: { contactId: string; deleted: boolean } | null;
  /** A retry (or the user's Retry): the record is shared again even if it did not change. */
  force: boolean;
}

export interface HubRecordRules {
  settings: OrganizationSettings;
  /** The organization's direction for the collection and the mapping both let records go to CC. */
  toCc: boolean;
}

/**
 * What to do with one hub record, with the rule (DESIGN.md section 4) that decided it:
 * - `skip`: nothing to send;
 * - `exclude`: kept out of CC with a reason the user reads (`recorded`: the id map already says so);
 * - `merge`: merged with a contact, the one it is linked to or the one holding its email;
 * - `create`: a new contact for this email (records of one email in a run make one contact).
 */
export type HubRecordDecision =
  | { kind: 'skip'; rule: 'unchanged' | 'deleted-in-cc' | 'direction-off' | 'inactive' }
  | {
      kind: 'exclude';
      rule: 'eligibility' | 'historical' | 'no-role';
      reason: string;
      email: string | null;
      recorded: boolean;
    }
  | { kind: 'merge'; rule: 'linked' | 'matched-by-email'; contactId: string }
  | { kind: 'create'; rule: 'new-record'; email: string };

/** Whether a record kept back, or linked as it was, as historical data is to be looked at again now. */
function historicalNowShared(map: IdMap | null, settings: OrganizationSettings): boolean {
  if (!settings.shareHistorical || !map) return false;
  if (map.state === 'excluded') return map.reason === EXISTED_BEFORE_SHARING;
  return map.state === 'linked' && readContactSnapshot(map.snapshot)?.keptAsIs === true;
}

/** Decides what happens to one hub record read for sharing with CC. Pure: same facts, same decision. */
export function decideHubRecord(facts: HubRecordFacts, rules: HubRecordRules): HubRecordDecision {
  const { item, map, emailHolder, force } = facts;
  const { settings } = rules;
  // Echo suppression: the record's content is what the connector last saw or wrote.
  const unchanged =
    map !== null &&
    map.hubHash === item.fingerprint &&
    map.state !== 'failed' &&
    !historicalNowShared(map, settings);
  if (unchanged && !force) return { kind: 'skip', rule: 'unchanged' };
  // The contact was deleted in CC: sharing resumes only when the user asks (Retry).
  if (map?.state === 'unlinked' && !force) return { kind: 'skip', rule: 'deleted-in-cc' };

  const eligibility = checkEmail(item.shared.email);
  if (!eligibility.eligible) {
    const recorded =
      map?.state === 'excluded' && map.reason === eligibility.reason && map.hubHash === item.fingerprint;
    return {
      kind: 'exclude',
      rule: 'eligibility',
      reason: eligibility.reason,
      email: item.shared.email,
      recorded,
    };
  }
  const email = normalizeEmail(eligibility.email)!;
  if (map?.ccContactId) return { kind: 'merge', rule: 'linked', contactId: map.ccContactId };
  // Identity: a record whose email a contact holds is that contact, never a second one.
  if (emailHolder && !emailHolder.deleted) {
    return { kind: 'merge', rule: 'matched-by-email', contactId: emailHolder.contactId };
  }
  if (isHistorical(settings, item.record.created_at)) {
    return { kind: 'exclude', rule: 'historical', reason: EXISTED_BEFORE_SHARING, email, recorded: false };
  }
  if (!rules.toCc) return { kind: 'skip', rule: 'direction-off' };
  if (!item.active) return { kind: 'skip', rule: 'inactive' };
  if (item.roles.length === 0) {
    return { kind: 'exclude', rule: 'no-role', reason: NO_ROLE, email, recorded: false };
  }
  return { kind: 'create', rule: 'new-record', email: eligibility.email };
}
