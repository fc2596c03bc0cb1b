import { ccView } from '../../mapping/cc-limits.ts';
import { type ContactMapping, mappedFields, sharedToHubPatch } from '../../mapping/define-contact-mapping.ts';
import { checkEmail } from '../../mapping/eligibility.ts';
import type { SharedContact } from '../../mapping/shared-contact.ts';
import type { ConflictWinner } from '../../model/organization.ts';
import type { ContactSnapshot } from '../contact-snapshot.ts';
import { type MergeResult, pickFields, threeWayMerge } from '../three-way-merge.ts';

/** A linked contact CC changed, and the hub record as the connector last wrote or read it. */
export interface ChangeToHubFacts {
  mapping: ContactMapping;
  snapshot: ContactSnapshot;
  /** The contact's shared fields as CC holds them now, and when CC last changed it. */
  cc: SharedContact;
  ccUpdatedAt: string | null;
  /** The record is the contact's primary one: only its fields follow the contact. */
  primary: boolean;
}

export interface ChangeToHubRules {
  winner: ConflictWinner;
  /** The organization's direction for the collection lets changes from CC in. */
  toHub: boolean;
}

/** The fields to write to the hub record, the write itself (at the mapping's paths) and the result. */
export interface ChangeToHubPlan {
  merge: MergeResult<SharedContact>;
  toHub: (keyof SharedContact)[];
  patch: Record<string, unknown>;
  nextHub: SharedContact;
}

/**
 * Plans a change read from CC for a record that did not change since the last sync (its side of the merge
 * is the snapshot). An email CC holds that the hub would refuse as invalid stays out of the hub.
 */
export function planChangeToHub(facts: ChangeToHubFacts, rules: ChangeToHubRules): ChangeToHubPlan {
  const { mapping, snapshot } = facts;
  const merge = threeWayMerge<SharedContact>({
    base: { hub: snapshot.hub, cc: snapshot.cc },
    hub: snapshot.hub,
    cc: facts.cc,
    fields: mappedFields(mapping),
    ccView,
    winner: rules.winner,
    hubUpdatedAt: null,
    ccUpdatedAt: facts.ccUpdatedAt,
    flows: { toCc: false, toHub: facts.primary && rules.toHub && mapping.flows.ccToHub },
  });
  const toHub = merge.toHub.filter((f) => f !== 'email' || checkEmail(merge.merged.email).eligible);
  const written = pickFields(merge.merged, toHub);
  const patch = toHub.length > 0 ? sharedToHubPatch(mapping, written, snapshot.hubRaw) : {};
  return { merge, toHub, patch, nextHub: { ...snapshot.hub, ...written } };
}
