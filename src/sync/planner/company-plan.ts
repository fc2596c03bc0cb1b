import { COMPANY_FIELDS, type SharedCompany } from '../../mapping/company-account.ts';
import { sameField } from '../../mapping/shared-contact.ts';
import type { OrganizationSettings } from '../../model/organization.ts';
import type { CompanySnapshot } from '../snapshot-codec.ts';
import { type MergeResult, threeWayMerge } from '../three-way-merge.ts';

export interface CompanyFacts {
  hub: SharedCompany;
  cc: SharedCompany;
  /** When the hub's company last changed (CC's account summary has no date). */
  hubUpdatedAt: string | null;
  /** Null before the company profiles were ever linked. */
  snapshot: CompanySnapshot | null;
}

/**
 * What to do with the company profile and the account summary:
 * - `link-as-is`: the first link, history not shared: both profiles existed before, nothing is rewritten;
 * - `merge`: the three-way merge, with the fields to write to CC (never the logo: CC's API cannot set it).
 */
export type CompanyPlan =
  | { kind: 'link-as-is'; rule: 'historical'; differs: boolean }
  | {
      kind: 'merge';
      rule: 'three-way-merge';
      merge: MergeResult<SharedCompany>;
      toCc: (keyof SharedCompany)[];
    };

/** Plans the company pair. Pure: same facts, same plan. */
export function planCompany(
  facts: CompanyFacts,
  rules: { settings: OrganizationSettings; flows: { toCc: boolean; toHub: boolean } },
): CompanyPlan {
  const { hub, cc, snapshot } = facts;
  const { settings } = rules;
  if (!snapshot && !settings.shareHistorical) {
    return {
      kind: 'link-as-is',
      rule: 'historical',
      differs: COMPANY_FIELDS.some((f) => !sameField(f, hub[f], cc[f])),
    };
  }
  const merge = threeWayMerge<SharedCompany>({
    // Profiles linked as they were are settled like a first match once historical data is shared.
    base: snapshot?.keptAsIs && settings.shareHistorical ? null : snapshot,
    hub,
    cc,
    fields: COMPANY_FIELDS,
    ccView: (v) => v,
    winner: settings.conflictWinner,
    hubUpdatedAt: facts.hubUpdatedAt,
    ccUpdatedAt: null,
    flows: rules.flows,
  });
  return { kind: 'merge', rule: 'three-way-merge', merge, toCc: merge.toCc.filter((f) => f !== 'logo_url') };
}
