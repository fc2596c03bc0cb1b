import type { LinkedIdMap } from './id-map.ts';

/**
 * A Constant Contact contact and the hub records shared with it. CC holds one contact per email, so hub
 * records with the same email (a person and a customer organization, a customer and an employee) share one.
 */
export interface ContactWithRecords {
  ccContactId: string;
  /** The latest sync of any of its records. */
  lastSyncedAt: string | null;
  /** Oldest link first; never empty. */
  records: LinkedIdMap[];
}

/** One page of shared contacts, and how many contacts and hub records match in all. */
export interface ContactsPage {
  items: ContactWithRecords[];
  contacts: number;
  records: number;
}

/**
 * What is left out, by what it is: hub records, and contacts from Constant Contact that Connec! did not take
 * (a failed creation keeps the contact's id until its hub record exists).
 */
export interface NotSharedCounts {
  records: number;
  contacts: number;
}

/** How much of an organization is shared, each count naming what it counts. */
export interface SharingCounts {
  /** Contacts shared, and the hub records behind them; the company profile (no contact) is not counted. */
  shared: { contacts: number; records: number };
  notShared: NotSharedCounts;
  /** The part of `notShared` whose write failed and is tried again. */
  failing: NotSharedCounts;
}
