import type { ConflictWinner } from '../model/organization.ts';
import { utcMinute } from '../time-text.ts';
import type { Conflict, ConflictRule } from './three-way-merge.ts';

/** Fields the connector wrote to one side of a linked pair, and when. */
export interface SideChange {
  at: string;
  fields: string[];
}

/** A field changed on both sides, the value each held, the one kept and the rule that kept it. */
export interface DecidedConflict {
  field: string;
  hub: unknown;
  cc: unknown;
  chosen: 'hub' | 'cc';
  rule: ConflictRule;
  winner: ConflictWinner;
  hubUpdatedAt: string | null;
  ccUpdatedAt: string | null;
}

/**
 * What the connector last did to a linked pair, kept in its snapshot so the record's detail can say it:
 * the last change written to each side, and the last merge that had to settle a conflict.
 */
export interface RecordHistory {
  toHub?: SideChange;
  toCc?: SideChange;
  conflicts?: { at: string; items: DecidedConflict[] };
}

/** What one merge decided, as the history records it. */
export interface MergeDecisions<T> {
  toHub: readonly (keyof T)[];
  toCc: readonly (keyof T)[];
  conflicts: readonly Conflict<T>[];
  winner: ConflictWinner;
  hubUpdatedAt: string | null;
  ccUpdatedAt: string | null;
}

/** The history after a merge: each side's entry moves only when that side was written. */
export function historyAfter<T>(
  previous: RecordHistory | undefined,
  decisions: MergeDecisions<T>,
  at: Date,
): RecordHistory | undefined {
  const when = at.toISOString();
  const next: RecordHistory = { ...previous };
  if (decisions.toHub.length > 0) next.toHub = { at: when, fields: decisions.toHub.map(String) };
  if (decisions.toCc.length > 0) next.toCc = { at: when, fields: decisions.toCc.map(String) };
  if (decisions.conflicts.length > 0) {
    next.conflicts = {
      at: when,
      items: decisions.conflicts.map((c) => ({
        field: String(c.field),
        hub: c.hub,
        cc: c.cc,
        chosen: c.chosen,
        rule: c.rule,
        winner: decisions.winner,
        hubUpdatedAt: decisions.hubUpdatedAt,
        ccUpdatedAt: decisions.ccUpdatedAt,
      })),
    };
  }
  return Object.keys(next).length > 0 ? next : undefined;
}

const SIDE_NAMES = { hub: 'Connec!', cc: 'Constant Contact' } as const;

/**
 * Why a conflict went to the side it went to, in the words the user reads; `showTime` writes the change
 * dates (UTC unless the reader's zone is known).
 */
export function explainConflict(
  conflict: DecidedConflict,
  showTime: (iso: string) => string = utcMinute,
): string {
  const shownTime = (iso: string | null) => (iso ? showTime(iso) : 'undated');
  const kept = SIDE_NAMES[conflict.chosen];
  switch (conflict.rule) {
    case 'winner':
      return `${kept} wins conflicts (the organization's winning-side setting).`;
    case 'newer':
      return `${kept} changed it last (Connec! ${shownTime(conflict.hubUpdatedAt)}, Constant Contact ${shownTime(conflict.ccUpdatedAt)}); the newer change wins.`;
    case 'tie':
      return 'Both sides changed it at the same time or without a date; on a tie Connec! wins.';
  }
}

/** A field name as the user reads it: `job_title` → "job title". */
export function fieldLabel(field: string): string {
  return field.replace(/_/g, ' ');
}

/** A value of a conflict as the user reads it (addresses are objects). */
export function shownValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return '(empty)';
  if (typeof value === 'object') {
    return Object.values(value as Record<string, unknown>)
      .filter((v) => v !== null && v !== '')
      .join(', ');
  }
  return String(value);
}
