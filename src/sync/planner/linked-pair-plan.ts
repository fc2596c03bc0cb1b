import { ccView } from '../../mapping/cc-limits.ts';
import { type ContactMapping, mappedFields } from '../../mapping/define-contact-mapping.ts';
import type { ListRole } from '../../mapping/list-roles.ts';
import { type SharedContact, sameField, sameValue } from '../../mapping/shared-contact.ts';
import type { IdMapState } from '../../model/id-map.ts';
import type { OrganizationSettings } from '../../model/organization.ts';
import { type ContactSnapshot, mergeBaseOf } from '../contact-snapshot.ts';
import { isHistorical } from '../historical.ts';
import type { HubItem } from '../hub-item.ts';
import { type MergeResult, pickFields, threeWayMerge } from '../three-way-merge.ts';

/** What the planner knows of a hub record and the CC contact it is linked (or just matched) to. */
export interface LinkedPairFacts {
  mapping: ContactMapping;
  item: HubItem;
  /** The record's id map state; null when the two were just matched by email. */
  mapState: IdMapState | null;
  snapshot: ContactSnapshot | null;
  contact: {
    /** Its shared fields as they are about to be (with writes another record of the run queued). */
    shared: SharedContact;
    createdAt: string | null;
    updatedAt: string | null;
    unsubscribed: boolean;
    /** The connector's lists it is in. */
    listRoles: readonly ListRole[];
  };
  /** How the record shares the contact with other hub records of its email (see `sharingOf`). */
  sharing: { wantedRoles: readonly ListRole[]; primary: boolean; sharedWithOthers: boolean };
}

export interface LinkedPairRules {
  settings: OrganizationSettings;
  /** The organization's directions for the record's collection. */
  flows: { toCc: boolean; toHub: boolean };
}

/**
 * What to do with a linked (or just matched) pair, with the rule behind it:
 * - `link-as-is`: both existed before sharing started and history is not shared: linked, nothing written
 *   (`differs`: their values or lists differ, to be settled if history is shared);
 * - `hard-delete`: the record is inactive, the organization asked for hard deletes, and no other record
 *   shares the contact;
 * - `merge`: the three-way merge's writes: fields to the hub, fields to CC (as CC stores them), and the
 *   lists the contact must end in (`lists` null: its lists stay as they are).
 */
export type LinkedPairPlan =
  | { kind: 'link-as-is'; rule: 'historical'; differs: boolean }
  | { kind: 'hard-delete'; rule: 'inactive-hard-delete' }
  | {
      kind: 'merge';
      rule: 'three-way-merge';
      merge: MergeResult<SharedContact>;
      toCc: Partial<SharedContact>;
      lists: { roles: readonly ListRole[]; change: boolean } | null;
    };

/** Plans a linked pair. Pure: same facts, same plan. */
export function planLinkedPair(facts: LinkedPairFacts, rules: LinkedPairRules): LinkedPairPlan {
  const { mapping, item, snapshot, contact, sharing } = facts;
  const { settings, flows } = rules;
  if (
    !snapshot &&
    isHistorical(settings, item.record.created_at) &&
    isHistorical(settings, contact.createdAt)
  ) {
    return { kind: 'link-as-is', rule: 'historical', differs: pairDiffers(facts) };
  }
  if (!item.active && settings.hardDeletes && !sharing.sharedWithOthers && facts.mapState === 'linked') {
    return { kind: 'hard-delete', rule: 'inactive-hard-delete' };
  }
  const merge = threeWayMerge<SharedContact>({
    // A pair linked as it was is settled like a first match once historical data is shared.
    base: snapshot?.keptAsIs && settings.shareHistorical ? null : mergeBaseOf(snapshot),
    hub: item.shared,
    cc: contact.shared,
    fields: mappedFields(mapping),
    ccView,
    winner: settings.conflictWinner,
    hubUpdatedAt: item.record.updated_at ?? null,
    ccUpdatedAt: contact.updatedAt,
    // The contact carries the fields of its primary record only.
    flows: {
      toCc: sharing.primary && flows.toCc && mapping.flows.hubToCc,
      toHub: sharing.primary && flows.toHub && mapping.flows.ccToHub,
    },
  });
  const mergedView = ccView(merge.merged);
  const toCc: Partial<SharedContact> = pickFields(mergedView, merge.toCc);
  // An unsubscribed contact's lists are never touched: adding one back would be re-subscribing.
  const change = flows.toCc && !contact.unsubscribed && !sameValue(contact.listRoles, sharing.wantedRoles);
  const lists = contact.unsubscribed
    ? null
    : { roles: change ? sharing.wantedRoles : contact.listRoles, change };
  return { kind: 'merge', rule: 'three-way-merge', merge, toCc, lists };
}

/** Whether a pair linked as it was differs in values or lists (what sharing history would settle). */
function pairDiffers({ mapping, item, contact, sharing }: LinkedPairFacts): boolean {
  const hubAsCc = ccView(item.shared);
  return (
    mappedFields(mapping).some((f) => !sameField(f, hubAsCc[f], contact.shared[f])) ||
    (!contact.unsubscribed && !sameValue(contact.listRoles, sharing.wantedRoles))
  );
}
