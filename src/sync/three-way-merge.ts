import { sameField } from '../mapping/shared-contact.ts';
import type { ConflictWinner } from '../model/organization.ts';

/**
 * What each side held when the two last agreed. Kept per side because the sides may legitimately differ
 * after a sync: CC holds a name cut to its limits, or a direction is off and a change stays on its side.
 */
export interface MergeBase<T> {
  hub: T;
  cc: T;
}

export interface MergeInput<T extends object> {
  /** Null the first time two records meet (matched by email). */
  base: MergeBase<T> | null;
  hub: T;
  cc: T;
  fields: readonly (keyof T)[];
  /** How CC stores a value (its length limits). */
  ccView: (value: T) => T;
  winner: ConflictWinner;
  hubUpdatedAt: string | null;
  ccUpdatedAt: string | null;
  /** Which sides this merge may write to (an organization's directions). */
  flows: { toHub: boolean; toCc: boolean };
}

/**
 * Why a conflict went the way it did: the organization's winning side, or with `newest` the side updated
 * last (`tie`: both at the same instant or undated, which the hub wins).
 */
export type ConflictRule = 'winner' | 'newer' | 'tie';

export interface Conflict<T> {
  field: keyof T;
  hub: unknown;
  cc: unknown;
  chosen: 'hub' | 'cc';
  rule: ConflictRule;
}

export interface MergeResult<T> {
  merged: T;
  /** Fields to write to the hub. */
  toHub: (keyof T)[];
  /** Fields to write to CC. */
  toCc: (keyof T)[];
  conflicts: Conflict<T>[];
  /** What each side holds once the writes are made: the base of the next merge. */
  nextBase: MergeBase<T>;
}

function isBlank(value: unknown): boolean {
  return value === null || value === undefined;
}

/**
 * Field-level three-way merge. A field changed on one side since the base takes that side's value; changed
 * on both to different values, the organization's winning side decides (`newest`: the side updated last,
 * the hub on a tie). With no base (two records matched by email), a field blank on one side is filled from
 * the other, and a real difference goes to the winning side.
 */
export function threeWayMerge<T extends object>(input: MergeInput<T>): MergeResult<T> {
  const { base, hub, cc, fields, ccView, winner, flows } = input;
  const hubView = ccView(hub);
  const merged = { ...hub };
  const conflicts: Conflict<T>[] = [];
  // Fields neither side changed are left alone even when the sides differ (a direction was off).
  const settled: (keyof T)[] = [];

  const decide = (): { chosen: 'hub' | 'cc'; rule: ConflictRule } => {
    if (winner !== 'newest') return { chosen: winner, rule: 'winner' };
    const hubAt = input.hubUpdatedAt ?? '';
    const ccAt = input.ccUpdatedAt ?? '';
    if (hubAt === ccAt) return { chosen: 'hub', rule: 'tie' };
    return { chosen: hubAt > ccAt ? 'hub' : 'cc', rule: 'newer' };
  };

  for (const field of fields) {
    const same = (a: unknown, b: unknown) => sameField(field, a, b);
    const hubChanged = base ? !same(hub[field], base.hub[field]) : true;
    const ccChanged = base ? !same(cc[field], base.cc[field]) : true;
    if (!hubChanged && !ccChanged) {
      continue;
    }
    settled.push(field);
    if (!ccChanged) {
      merged[field] = hub[field];
    } else if (!hubChanged) {
      merged[field] = cc[field];
    } else if (same(hubView[field], cc[field])) {
      // Both hold the same value, CC perhaps a cut copy: keep the full one.
      merged[field] = hub[field];
    } else if (!base && (isBlank(hub[field]) || isBlank(cc[field]))) {
      merged[field] = isBlank(hub[field]) ? cc[field] : hub[field];
    } else {
      const { chosen, rule } = decide();
      merged[field] = chosen === 'hub' ? hub[field] : cc[field];
      conflicts.push({ field, hub: hub[field], cc: cc[field], chosen, rule });
    }
  }

  const mergedView = ccView(merged);
  const toHub = flows.toHub ? settled.filter((f) => !sameField(f, merged[f], hub[f])) : [];
  const toCc = flows.toCc ? settled.filter((f) => !sameField(f, mergedView[f], cc[f])) : [];
  const nextHub = { ...hub };
  const nextCc = { ...cc };
  for (const f of toHub) nextHub[f] = merged[f];
  for (const f of toCc) nextCc[f] = mergedView[f];
  return { merged, toHub, toCc, conflicts, nextBase: { hub: nextHub, cc: nextCc } };
}

/** The given fields of a value, and only those: what a merge writes to one side. */
export function pickFields<T extends object, K extends keyof T>(value: T, fields: readonly K[]): Pick<T, K> {
  const picked: Partial<Pick<T, K>> = {};
  for (const field of fields) picked[field] = value[field];
  return picked as Pick<T, K>;
}
