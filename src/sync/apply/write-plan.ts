import type { IdArray } from '../../connec/records.ts';
import type { CcContact } from '../../constantcontact/types.ts';
import type { MirroredContact } from '../../db/repositories/cc-mirror.ts';
import type { LinkInput } from '../../db/repositories/id-maps.ts';
import type { ContactMapping } from '../../mapping/define-contact-mapping.ts';
import type { ListRole } from '../../mapping/list-roles.ts';
import { normalizeEmail } from '../../mapping/normalize-email.ts';
import type { SharedContact } from '../../mapping/shared-contact.ts';
import type { HubCollection } from '../../model/hub-collections.ts';
import type { HubItem } from '../hub-item.ts';
import type { PairState } from '../pair-link.ts';

// The writes a part of a run decided on, as data: `applyWritePlan` sends them in the cheapest calls and
// answers with results, and `recordWriteResults` turns those into id maps, counts and what follows.

/** One hub record. */
export interface RecordRef {
  hubCollection: HubCollection;
  hubId: string;
}

export function refKey(ref: RecordRef): string {
  return `${ref.hubCollection}:${ref.hubId}`;
}

/**
 * What to record for a hub record once CC holds its contact's change: the pair, completed with the contact
 * as CC answers it, and what the run counts; on failure, the record is failed with the reason.
 */
export interface LinkOnWrite {
  pair: Omit<PairState, 'contact'>;
  email: string | null;
  counted: 'updated' | 'linked';
}

/** One contact to create, for one or more hub records sharing its email (the primary one first once sent). */
export interface NewContact {
  email: string;
  items: HubItem[];
}

/** A contact whose fields change: the new values (as CC will hold them) and the lists it must end in. */
export interface ContactUpdate {
  contact: CcContact;
  changed: Partial<SharedContact>;
  /** The connector's lists the contact must be in; null leaves its lists alone (an unsubscribed contact). */
  listIds: string[] | null;
  links: LinkOnWrite[];
}

/** What one contact's lists must become: the connector's lists to add and to leave. */
export interface ListChange {
  contact: CcContact;
  add: Set<string>;
  remove: Set<string>;
  links: LinkOnWrite[];
}

/** A contact to delete in CC (the organization asked for hard deletes), for the record no longer active. */
export interface ContactDeletion {
  item: HubItem;
  contact: CcContact;
}

/**
 * Fields (and perhaps the connector's id entry) written to an existing hub record. When Connec! refuses
 * the id entry, the fields go again without it.
 */
export interface RecordWrite {
  kind: 'record';
  ref: RecordRef;
  contactId: string;
  email: string | null;
  patch: Record<string, unknown>;
  /** The record's id array with the connector's entry added, when the record is to carry it. */
  ids: IdArray | null;
  /** How the record's failure begins when Connec! refuses the write ("Connec! refused the update"). */
  refusal: string;
  /** A change from CC: the pair is linked once the hub holds it. */
  link: { input: LinkInput; ccUpdatedAt: string | null } | null;
}

/** A hub record created for a contact new in CC; it then joins in CC the lists of its roles. */
export interface PersonCreation {
  kind: 'person';
  mapping: ContactMapping;
  contact: MirroredContact;
  record: Record<string, unknown>;
  roles: ListRole[];
}

export type HubWrite = RecordWrite | PersonCreation;

/** Above this many writes a plan is carried out before more is planned: one bulk import's worth. */
export const MAX_PLANNED_WRITES = 40_000;

/**
 * About what a CC bulk activity costs in requests: the request that starts it and a few polls of its
 * status. Only a guide for a run's call budget; the requests really sent are what is counted.
 */
const BULK_ACTIVITY_CALLS = 5;

/**
 * The writes one part of a run (a stretch of hub pages, a page of CC contacts, the retries) decided on.
 * Planning adds to it; writes to one contact add up (two records with one email make one contact; a list
 * one record wants is kept even if another would leave it).
 */
export class WritePlan {
  readonly #creations = new Map<string, NewContact>();
  readonly #updates = new Map<string, ContactUpdate>();
  readonly #listChanges = new Map<string, ListChange & { wanted: Set<string> }>();
  readonly #deletions: ContactDeletion[] = [];
  readonly #hubWrites: HubWrite[] = [];
  readonly #waiting = new Map<string, RecordRef[]>();

  get creations(): NewContact[] {
    return [...this.#creations.values()];
  }
  get updates(): ContactUpdate[] {
    return [...this.#updates.values()];
  }
  get listChanges(): ListChange[] {
    return [...this.#listChanges.values()].map(({ wanted: _, ...change }) => change);
  }
  get deletions(): readonly ContactDeletion[] {
    return this.#deletions;
  }
  get hubWrites(): readonly HubWrite[] {
    return this.#hubWrites;
  }

  create(item: HubItem, email: string): void {
    const key = normalizeEmail(email) ?? email;
    const existing = this.#creations.get(key);
    if (existing) existing.items.push(item);
    else this.#creations.set(key, { email, items: [item] });
  }

  /** A second update of the same contact adds to the first. */
  updateContact(update: ContactUpdate): void {
    const queued = this.#updates.get(update.contact.contact_id);
    if (!queued) {
      this.#updates.set(update.contact.contact_id, { ...update, links: [...update.links] });
      return;
    }
    queued.changed = { ...queued.changed, ...update.changed };
    queued.listIds =
      queued.listIds === null || update.listIds === null
        ? null
        : [...new Set([...queued.listIds, ...update.listIds])];
    queued.links.push(...update.links);
  }

  /**
   * The contact is to be in `wantedListIds` of the connector's lists (`ours`), and in no other of them. Records
   * sharing a contact add up: a list one of them wants is kept even if another would leave it.
   */
  changeLists(
    contact: CcContact,
    wantedListIds: readonly string[],
    ours: ReadonlySet<string>,
    link: LinkOnWrite,
  ): void {
    const current = new Set((contact.list_memberships ?? []).filter((id) => ours.has(id)));
    const planned = this.#listChanges.get(contact.contact_id);
    const wanted = new Set([...(planned?.wanted ?? []), ...wantedListIds]);
    const change = {
      contact: planned?.contact ?? contact,
      add: new Set([...wanted].filter((id) => !current.has(id))),
      remove: new Set([...current].filter((id) => !wanted.has(id))),
      links: [...(planned?.links ?? []), link],
      wanted,
    };
    this.#listChanges.set(contact.contact_id, change);
  }

  deleteContact(deletion: ContactDeletion): void {
    this.#deletions.push(deletion);
  }

  writeHub(write: HubWrite): void {
    this.#hubWrites.push(write);
  }

  /** Notes a record whose link to the contact waits for this plan (it comes before later ones in primacy). */
  awaitLink(contactId: string, ref: RecordRef): void {
    const waiting = this.#waiting.get(contactId) ?? [];
    if (!waiting.some((r) => refKey(r) === refKey(ref))) waiting.push(ref);
    this.#waiting.set(contactId, waiting);
  }

  /** The records whose link to the contact waits for this plan, in the order they were planned. */
  awaitingLink(contactId: string): readonly RecordRef[] {
    return this.#waiting.get(contactId) ?? [];
  }

  /** The field changes this plan holds for a contact: what it is about to become. */
  plannedFields(contactId: string): Partial<SharedContact> | undefined {
    return this.#updates.get(contactId)?.changed;
  }

  /** Writes to CC this plan holds. While any wait, no cursor may move past the records they belong to. */
  get ccWrites(): number {
    return this.#creations.size + this.#updates.size + this.#listChanges.size + this.#deletions.length;
  }

  get size(): number {
    return this.ccWrites + this.#hubWrites.length;
  }

  get isEmpty(): boolean {
    return this.size === 0;
  }

  /**
   * About how many CC requests carrying the plan out takes: one per contact up to the bulk threshold, a
   * bulk activity's few above it. Lets a run with a call budget stop before it plans more than it may send.
   */
  ccCallEstimate(bulkThreshold: number): number {
    const cost = (n: number) => (n === 0 ? 0 : n > bulkThreshold ? BULK_ACTIVITY_CALLS : n);
    return (
      cost(this.#creations.size) +
      cost(this.#updates.size) +
      cost(this.#listChanges.size) +
      this.#deletions.length
    );
  }
}
