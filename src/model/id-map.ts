import type { HubCollection } from './hub-collections.ts';

export const ID_MAP_STATES = ['linked', 'excluded', 'failed', 'unlinked'] as const;
export type IdMapState = (typeof ID_MAP_STATES)[number];

interface IdMapBase {
  id: string;
  organizationId: string;
  hubCollection: HubCollection;
  /** Trimmed, lower-case; null when the record has none. */
  email: string | null;
  /** Hash of the mapped content the connector last wrote to (or read from) each side: echo suppression. */
  hubHash: string | null;
  ccHash: string | null;
  /** The mapped fields as both sides last agreed: the base of three-way merges. */
  snapshot: Record<string, unknown> | null;
  attempts: number;
  lastSyncedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A hub record and a CC contact known to be the same person. */
export interface LinkedIdMap extends IdMapBase {
  state: 'linked';
  hubId: string;
  ccContactId: string;
  reason: null;
  nextRetryAt: null;
}

/** A hub record CC cannot take (no email, invalid email); shared as soon as that changes. */
export interface ExcludedIdMap extends IdMapBase {
  state: 'excluded';
  hubId: string;
  ccContactId: null;
  reason: string;
  nextRetryAt: null;
}

/** A write that failed; retried with back-off without waiting for the record to change. */
export interface FailedIdMap extends IdMapBase {
  state: 'failed';
  /** At least one side is known: a hub record that CC refused, or a CC contact the hub refused. */
  hubId: string | null;
  ccContactId: string | null;
  reason: string;
  nextRetryAt: string;
}

/** The CC contact was deleted in CC; the hub record stays, no longer shared. */
export interface UnlinkedIdMap extends IdMapBase {
  state: 'unlinked';
  hubId: string;
  ccContactId: null;
  reason: string;
  nextRetryAt: null;
}

export type IdMap = LinkedIdMap | ExcludedIdMap | FailedIdMap | UnlinkedIdMap;

const RETRY_BASE_MS = 60_000;
const RETRY_CAP_MS = 6 * 60 * 60_000;

/**
 * When a failed record is tried again: one minute after the first failure, doubling each time, capped at
 * six hours, so a record that CC keeps refusing costs a few calls a day and never blocks the others.
 */
export function nextRetryAt(attempts: number, now: Date): Date {
  const delay = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** Math.max(0, attempts - 1));
  return new Date(now.getTime() + delay);
}
