import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { Clock } from '../shared/clock.ts';
import {
  checkFieldTypes,
  checkRequiredFields,
  HubValidationError,
  type IdEntry,
  isObject,
  parseIdArray,
} from './hub-validation.ts';

/** The collections the emulator serves by default: those the connector shares. */
export const HUB_COLLECTIONS = ['people', 'organizations', 'employees', 'company'] as const;
/** A collection's name, as in Connec!'s paths; the emulator serves the defaults and any added (see HubStore). */
export type HubCollection = string;
export const CONNEC_PROVIDER = 'connec';

/** Fields that point at another record; stored as its Connec! id, shown as that record's id array. */
const REFERENCES: Partial<Record<HubCollection, Record<string, HubCollection>>> = {
  people: { organization_id: 'organizations' },
};

/** Fields only the hub sets: callers cannot move timestamps or rehome a record. */
const HUB_OWNED = new Set(['id', 'group_id', 'channel_id', 'resource_type', 'created_at', 'updated_at']);

export interface StoredRecord {
  connecId: string;
  groupId: string;
  collection: HubCollection;
  /** Every id entry except Connec!'s own, which is derived from connecId. */
  externalIds: IdEntry[];
  fields: Record<string, unknown>;
  /** Reference field -> Connec! id of the referenced record. */
  references: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

export interface WriteResult {
  record: StoredRecord;
  created: boolean;
  /** False when the write left the record as it was (then updated_at does not move). */
  changed: boolean;
}

/** The record asked for does not exist in the group. Answered as 404. */
export class HubNotFoundError extends Error {}

const sameEntry = (a: IdEntry, b: IdEntry) =>
  a.id === b.id && a.provider === b.provider && a.realm === b.realm;
const entryKey = (e: IdEntry) => `${e.provider}\u0000${e.realm}\u0000${e.id}`;

/** The records of every group, in creation order, with the hub's rules for ids, upserts and timestamps. */
export class HubStore {
  readonly #records = new Map<string, Map<string, StoredRecord>>();
  /** Per group and collection: an app's id entry -> the Connec! id of the record carrying it. */
  readonly #byEntry = new Map<string, Map<string, string>>();
  readonly #clock: Clock;
  readonly #channelOf: (groupId: string) => string;

  readonly #collections: ReadonlySet<string>;

  /**
   * `channelOf` gives a group's channel id (`org-...`), the realm of Connec!'s own id entries; by default
   * the group id itself. `extraCollections` are served beside the defaults, with the rules every record
   * follows (ids, upserts, timestamps) and no field checks: Connec! has many collections, and a test of a
   * mapping added to the connector needs one of them.
   */
  constructor(
    clock: Clock,
    channelOf: (groupId: string) => string = (groupId) => groupId,
    extraCollections: readonly string[] = [],
  ) {
    this.#clock = clock;
    this.#channelOf = channelOf;
    this.#collections = new Set([...HUB_COLLECTIONS, ...extraCollections]);
  }

  /** True for a collection this hub serves. */
  serves(collection: string): boolean {
    return this.#collections.has(collection);
  }

  get collections(): string[] {
    return [...this.#collections];
  }

  #bucket(groupId: string, collection: HubCollection): Map<string, StoredRecord> {
    const key = `${groupId}/${collection}`;
    let bucket = this.#records.get(key);
    if (!bucket) {
      bucket = new Map();
      this.#records.set(key, bucket);
    }
    return bucket;
  }

  #entryIndex(groupId: string, collection: HubCollection): Map<string, string> {
    const key = `${groupId}/${collection}`;
    let index = this.#byEntry.get(key);
    if (!index) {
      index = new Map();
      this.#byEntry.set(key, index);
    }
    return index;
  }

  list(groupId: string, collection: HubCollection): StoredRecord[] {
    return [...this.#bucket(groupId, collection).values()];
  }

  get(groupId: string, collection: HubCollection, connecId: string): StoredRecord | undefined {
    return this.#bucket(groupId, collection).get(connecId);
  }

  findByIdEntry(groupId: string, collection: HubCollection, entry: IdEntry): StoredRecord | undefined {
    if (entry.provider === CONNEC_PROVIDER)
      return entry.realm === this.#channelOf(groupId) ? this.get(groupId, collection, entry.id) : undefined;
    const connecId = this.#entryIndex(groupId, collection).get(entryKey(entry));
    return connecId === undefined ? undefined : this.get(groupId, collection, connecId);
  }

  /**
   * Creates or updates a record. With `target` (a Connec! id) it updates that record; otherwise a record that
   * already carries one of the input's id entries is updated (upsert), and a new one is created when none does.
   * The company is a singleton: every write goes to the group's one company record.
   */
  write(groupId: string, collection: HubCollection, input: unknown, target?: string): WriteResult {
    if (!isObject(input)) throw new HubValidationError(`the ${collection} record must be a JSON object`);
    const entries = input.id === undefined || input.id === null ? [] : parseIdArray(input.id, 'id');
    const external = entries.filter((e) => e.provider !== CONNEC_PROVIDER);
    const bucket = this.#bucket(groupId, collection);

    let existing: StoredRecord | undefined;
    if (collection === 'company') existing = bucket.values().next().value;
    else if (target !== undefined) {
      existing = bucket.get(target);
      if (!existing) throw new HubNotFoundError(`no ${collection} record ${target} in group ${groupId}`);
    } else {
      for (const entry of entries) {
        existing = this.findByIdEntry(groupId, collection, entry);
        if (existing) break;
        if (entry.provider === CONNEC_PROVIDER) {
          throw new HubNotFoundError(
            `no ${collection} record ${entry.id} in channel ${entry.realm} (this group's channel is ${this.#channelOf(groupId)})`,
          );
        }
      }
    }
    for (const entry of external) {
      const owner = this.findByIdEntry(groupId, collection, entry);
      if (owner && owner !== existing) {
        throw new HubValidationError(
          `id entry {provider: ${entry.provider}, realm: ${entry.realm}, id: ${entry.id}} already belongs to ${collection} record ${owner.connecId}`,
        );
      }
    }

    const fields: Record<string, unknown> = {};
    const referenceFields = REFERENCES[collection] ?? {};
    for (const [key, value] of Object.entries(input)) {
      if (!HUB_OWNED.has(key) && !(key in referenceFields)) fields[key] = value;
    }
    checkFieldTypes(collection, fields);
    const references = { ...existing?.references };
    for (const [field, refCollection] of Object.entries(referenceFields)) {
      if (!(field in input)) continue;
      const value = input[field];
      if (value === null || (Array.isArray(value) && value.length === 0)) delete references[field];
      else references[field] = this.#resolve(groupId, refCollection, value, field);
    }
    const merged = { ...existing?.fields, ...fields };
    if (
      !existing &&
      (collection === 'people' || collection === 'organizations') &&
      merged.status === undefined
    ) {
      merged.status = 'ACTIVE';
    }
    checkRequiredFields(collection, merged);
    const externalIds = [...(existing?.externalIds ?? [])];
    for (const entry of external) if (!externalIds.some((e) => sameEntry(e, entry))) externalIds.push(entry);

    const now = this.#clock.now().toISOString();
    if (existing) {
      const changed =
        !isDeepStrictEqual(existing.fields, merged) ||
        !isDeepStrictEqual(existing.references, references) ||
        existing.externalIds.length !== externalIds.length;
      if (changed) Object.assign(existing, { fields: merged, references, externalIds, updatedAt: now });
      this.#index(existing);
      return { record: existing, created: false, changed };
    }
    const record: StoredRecord = {
      connecId: randomUUID(),
      groupId,
      collection,
      externalIds,
      fields: merged,
      references,
      createdAt: now,
      updatedAt: now,
    };
    bucket.set(record.connecId, record);
    this.#index(record);
    return { record, created: true, changed: true };
  }

  #index(record: StoredRecord): void {
    const index = this.#entryIndex(record.groupId, record.collection);
    for (const entry of record.externalIds) index.set(entryKey(entry), record.connecId);
  }

  #resolve(groupId: string, collection: HubCollection, value: unknown, field: string): string {
    if (typeof value === 'string') {
      if (this.get(groupId, collection, value)) return value;
      throw new HubValidationError(`${field}: no ${collection} record ${value} in this group`);
    }
    const entries = parseIdArray(value, field);
    for (const entry of entries) {
      const found = this.findByIdEntry(groupId, collection, entry);
      if (found) return found.connecId;
    }
    throw new HubValidationError(
      `${field}: none of its id entries matches a ${collection} record in this group`,
    );
  }

  /**
   * Connec!'s id array for a record: its own entry first (its realm is the organization's channel id, not the
   * group id), then those of the apps that registered one.
   */
  idArray(record: StoredRecord): IdEntry[] {
    return [
      { id: record.connecId, provider: CONNEC_PROVIDER, realm: this.#channelOf(record.groupId) },
      ...record.externalIds,
    ];
  }

  /**
   * The record as the API shows it. With `externalIds` (header `CONNEC-EXTERNAL-IDS: true`) ids and
   * references are id arrays; without, they are bare Connec! ids.
   */
  render(record: StoredRecord, externalIds = true): Record<string, unknown> {
    const out: Record<string, unknown> = {
      id: externalIds ? this.idArray(record) : record.connecId,
      group_id: record.groupId,
      channel_id: this.#channelOf(record.groupId),
      resource_type: record.collection,
      ...record.fields,
    };
    for (const [field, refId] of Object.entries(record.references)) {
      const refCollection = REFERENCES[record.collection]?.[field];
      const target = refCollection ? this.get(record.groupId, refCollection, refId) : undefined;
      out[field] = externalIds && target ? this.idArray(target) : refId;
    }
    out.created_at = record.createdAt;
    out.updated_at = record.updatedAt;
    return out;
  }
}
