import { randomUUID } from 'node:crypto';
import { type Kysely, type Selectable, sql } from 'kysely';
import { normalizeEmail } from '../../mapping/normalize-email.ts';
import type { HubCollection } from '../../model/hub-collections.ts';
import { type IdMap, type IdMapState, nextRetryAt } from '../../model/id-map.ts';
import type { Database, IdMapsTable } from '../schema.ts';

type Row = Selectable<IdMapsTable>;

/** A row as the domain type, checked against its state. */
export function toIdMap(row: Row): IdMap {
  const base = {
    id: row.id,
    organizationId: row.organization_id,
    hubCollection: row.hub_collection as HubCollection,
    email: row.email,
    hubHash: row.hub_hash,
    ccHash: row.cc_hash,
    snapshot: row.snapshot ? (JSON.parse(row.snapshot) as Record<string, unknown>) : null,
    attempts: row.attempts,
    lastSyncedAt: row.last_synced_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  // The table's CHECK constraints guarantee these shapes; the checks here keep the types honest.
  switch (row.state as IdMapState) {
    case 'linked':
      if (row.hub_id && row.cc_contact_id) {
        return {
          ...base,
          state: 'linked',
          hubId: row.hub_id,
          ccContactId: row.cc_contact_id,
          reason: null,
          nextRetryAt: null,
        };
      }
      break;
    case 'excluded':
      if (row.hub_id && row.reason) {
        return {
          ...base,
          state: 'excluded',
          hubId: row.hub_id,
          ccContactId: null,
          reason: row.reason,
          nextRetryAt: null,
        };
      }
      break;
    case 'unlinked':
      if (row.hub_id && row.reason) {
        return {
          ...base,
          state: 'unlinked',
          hubId: row.hub_id,
          ccContactId: null,
          reason: row.reason,
          nextRetryAt: null,
        };
      }
      break;
    case 'failed':
      if (row.reason && row.next_retry_at) {
        return {
          ...base,
          state: 'failed',
          hubId: row.hub_id,
          ccContactId: row.cc_contact_id,
          reason: row.reason,
          nextRetryAt: row.next_retry_at,
        };
      }
      break;
  }
  throw new Error(`id_maps row ${row.id} is inconsistent with its state ${row.state}`);
}

/** A LIKE pattern finding `fragment` anywhere, its wildcards escaped (with an explicit ESCAPE '\\'). */
export function likePattern(fragment: string): string {
  return `%${fragment.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** SQLite limits bound parameters per statement; lookups by many keys go in slices of this size. */
const IN_CHUNK = 500;
/** Rows per multi-row insert: 500 rows of 16 values stay well under SQLite's bound-parameter limit. */
const LINK_CHUNK = 500;

async function inChunks<T>(keys: readonly string[], fetch: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const unique = [...new Set(keys)];
  const out: T[] = [];
  for (let i = 0; i < unique.length; i += IN_CHUNK) out.push(...(await fetch(unique.slice(i, i + IN_CHUNK))));
  return out;
}

export interface LinkInput {
  organizationId: string;
  hubCollection: HubCollection;
  hubId: string;
  ccContactId: string;
  email: string | null;
  hubHash: string | null;
  ccHash: string | null;
  snapshot: Record<string, unknown> | null;
}

/** The columns a link sets (and resets: a linked row has no reason, attempts or retry time). */
function linkedValues(input: LinkInput, at: string) {
  return {
    cc_contact_id: input.ccContactId,
    email: normalizeEmail(input.email),
    hub_hash: input.hubHash,
    cc_hash: input.ccHash,
    snapshot: input.snapshot ? JSON.stringify(input.snapshot) : null,
    state: 'linked',
    reason: null,
    attempts: 0,
    next_retry_at: null,
    last_synced_at: at,
    updated_at: at,
  };
}

/** A failure is keyed by the side that is known: the hub record, or (for a contact from CC) the CC contact. */
export type FailureKey =
  | { hubId: string; ccContactId?: string | null }
  | { hubId?: null; ccContactId: string };

export type IdMapRepository = ReturnType<typeof idMapRepository>;

export function idMapRepository(db: Kysely<Database>, now: () => Date) {
  const iso = () => now().toISOString();

  const byHub = (organizationId: string, collection: HubCollection, hubId: string) =>
    db
      .selectFrom('id_maps')
      .selectAll()
      .where('organization_id', '=', organizationId)
      .where('hub_collection', '=', collection)
      .where('hub_id', '=', hubId)
      .executeTakeFirst();

  const pendingFromCc = (organizationId: string, collection: HubCollection, ccContactId: string) =>
    db
      .selectFrom('id_maps')
      .selectAll()
      .where('organization_id', '=', organizationId)
      .where('hub_collection', '=', collection)
      .where('cc_contact_id', '=', ccContactId)
      .where('hub_id', 'is', null)
      .executeTakeFirst();

  /** Writes the row for a hub record: inserted once, then updated in place (unique per hub record). */
  async function upsertByHub(
    organizationId: string,
    collection: HubCollection,
    hubId: string,
    values: Omit<IdMapsTable, 'id' | 'organization_id' | 'hub_collection' | 'hub_id' | 'created_at'>,
  ): Promise<IdMap> {
    const row = await db
      .insertInto('id_maps')
      .values({
        id: randomUUID(),
        organization_id: organizationId,
        hub_collection: collection,
        hub_id: hubId,
        created_at: values.updated_at,
        ...values,
      })
      .onConflict((oc) => oc.columns(['organization_id', 'hub_collection', 'hub_id']).doUpdateSet(values))
      .returningAll()
      .executeTakeFirstOrThrow();
    return toIdMap(row);
  }

  return {
    /** One id map of the organization by its own id; null when it is another organization's or gone. */
    async get(organizationId: string, id: string): Promise<IdMap | null> {
      const row = await db
        .selectFrom('id_maps')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? toIdMap(row) : null;
    },

    /** The id maps a user may name a record by: its email, its hub id or its CC contact id. */
    async findByAnyKey(organizationId: string, key: string): Promise<IdMap[]> {
      const email = normalizeEmail(key);
      const rows = await db
        .selectFrom('id_maps')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .where((eb) =>
          eb.or([eb('hub_id', '=', key), eb('cc_contact_id', '=', key), eb('email', '=', email ?? key)]),
        )
        .orderBy('hub_collection')
        .orderBy('id')
        .limit(20)
        .execute();
      return rows.map(toIdMap);
    },

    async findByHub(organizationId: string, collection: HubCollection, hubId: string): Promise<IdMap | null> {
      const row = await byHub(organizationId, collection, hubId);
      return row ? toIdMap(row) : null;
    },

    /** Batched lookup for a page of hub records: hub id -> id map. */
    async findByHubIds(organizationId: string, collection: HubCollection, hubIds: readonly string[]) {
      const rows = await inChunks(hubIds, (chunk) =>
        db
          .selectFrom('id_maps')
          .selectAll()
          .where('organization_id', '=', organizationId)
          .where('hub_collection', '=', collection)
          .where('hub_id', 'in', chunk)
          .execute(),
      );
      return new Map(rows.map((r) => [r.hub_id!, toIdMap(r)]));
    },

    /**
     * Every hub record sharing the contact (several hub records may share one CC contact by email), in the
     * order they were linked.
     */
    async findByCcContactIds(
      organizationId: string,
      ccContactIds: readonly string[],
    ): Promise<Map<string, IdMap[]>> {
      const rows = await inChunks(ccContactIds, (chunk) =>
        db
          .selectFrom('id_maps')
          .selectAll()
          .where('organization_id', '=', organizationId)
          .where('cc_contact_id', 'in', chunk)
          .orderBy('created_at')
          .orderBy('hub_id')
          .execute(),
      );
      const out = new Map<string, IdMap[]>();
      for (const row of rows) {
        const list = out.get(row.cc_contact_id!) ?? [];
        list.push(toIdMap(row));
        out.set(row.cc_contact_id!, list);
      }
      return out;
    },

    /** Id maps by normalized email, for matching new records before anything is created. */
    async findByEmails(organizationId: string, emails: readonly string[]): Promise<Map<string, IdMap[]>> {
      const normalized = emails.map(normalizeEmail).filter((e): e is string => e !== null);
      const rows = await inChunks(normalized, (chunk) =>
        db
          .selectFrom('id_maps')
          .selectAll()
          .where('organization_id', '=', organizationId)
          .where('email', 'in', chunk)
          .orderBy('created_at')
          .execute(),
      );
      const out = new Map<string, IdMap[]>();
      for (const row of rows) {
        const list = out.get(row.email!) ?? [];
        list.push(toIdMap(row));
        out.set(row.email!, list);
      }
      return out;
    },

    /**
     * Records that a hub record and a CC contact are the same. Idempotent: linking again updates the one row.
     * A row kept for the contact while its hub record could not be created is folded into this one.
     */
    async link(input: LinkInput): Promise<IdMap> {
      const at = iso();
      return db.transaction().execute(async (trx) => {
        await trx
          .deleteFrom('id_maps')
          .where('organization_id', '=', input.organizationId)
          .where('hub_collection', '=', input.hubCollection)
          .where('cc_contact_id', '=', input.ccContactId)
          .where('hub_id', 'is', null)
          .execute();
        const values = linkedValues(input, at);
        const row = await trx
          .insertInto('id_maps')
          .values({
            id: randomUUID(),
            organization_id: input.organizationId,
            hub_collection: input.hubCollection,
            hub_id: input.hubId,
            created_at: at,
            ...values,
          })
          .onConflict((oc) => oc.columns(['organization_id', 'hub_collection', 'hub_id']).doUpdateSet(values))
          .returningAll()
          .executeTakeFirstOrThrow();
        return toIdMap(row);
      });
    },

    /**
     * `link` for many pairs in one transaction and few statements: what a bulk creation needs, where
     * thousands of records are linked at once. Same rules as `link`.
     */
    async linkMany(inputs: readonly LinkInput[]): Promise<void> {
      if (inputs.length === 0) return;
      const at = iso();
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < inputs.length; i += LINK_CHUNK) {
          const chunk = inputs.slice(i, i + LINK_CHUNK);
          const groups = new Map<string, LinkInput[]>();
          for (const c of chunk) {
            const key = `${c.organizationId}\u0000${c.hubCollection}`;
            const group = groups.get(key);
            if (group) group.push(c);
            else groups.set(key, [c]);
          }
          for (const group of groups.values()) {
            await trx
              .deleteFrom('id_maps')
              .where('organization_id', '=', group[0]!.organizationId)
              .where('hub_collection', '=', group[0]!.hubCollection)
              .where(
                'cc_contact_id',
                'in',
                group.map((c) => c.ccContactId),
              )
              .where('hub_id', 'is', null)
              .execute();
          }
          await trx
            .insertInto('id_maps')
            .values(
              chunk.map((input) => ({
                id: randomUUID(),
                organization_id: input.organizationId,
                hub_collection: input.hubCollection,
                hub_id: input.hubId,
                created_at: at,
                ...linkedValues(input, at),
              })),
            )
            .onConflict((oc) =>
              oc.columns(['organization_id', 'hub_collection', 'hub_id']).doUpdateSet((eb) => ({
                cc_contact_id: eb.ref('excluded.cc_contact_id'),
                email: eb.ref('excluded.email'),
                hub_hash: eb.ref('excluded.hub_hash'),
                cc_hash: eb.ref('excluded.cc_hash'),
                snapshot: eb.ref('excluded.snapshot'),
                state: eb.ref('excluded.state'),
                reason: null,
                attempts: 0,
                next_retry_at: null,
                last_synced_at: eb.ref('excluded.last_synced_at'),
                updated_at: eb.ref('excluded.updated_at'),
              })),
            )
            .execute();
        }
      });
    },

    /** Keeps a hub record out of CC with a reason the user sees (e.g. "no email"). */
    async exclude(input: {
      organizationId: string;
      hubCollection: HubCollection;
      hubId: string;
      email: string | null;
      reason: string;
      hubHash?: string | null;
    }): Promise<IdMap> {
      const at = iso();
      return upsertByHub(input.organizationId, input.hubCollection, input.hubId, {
        cc_contact_id: null,
        email: normalizeEmail(input.email),
        hub_hash: input.hubHash ?? null,
        cc_hash: null,
        snapshot: null,
        state: 'excluded',
        reason: input.reason,
        attempts: 0,
        next_retry_at: null,
        last_synced_at: at,
        updated_at: at,
      });
    },

    /**
     * Records a failed write and when to try again (capped back-off on the attempt count). A linked record
     * keeps its CC id, so the retry updates the same contact instead of creating another.
     */
    async recordFailure(input: {
      organizationId: string;
      hubCollection: HubCollection;
      key: FailureKey;
      email: string | null;
      reason: string;
      /** The failure is CC's bulk job, not the record: due again on the next run instead of backing off. */
      retryNextRun?: boolean;
    }): Promise<IdMap> {
      const at = now();
      const { organizationId, hubCollection, key } = input;
      const existing = key.hubId
        ? await byHub(organizationId, hubCollection, key.hubId)
        : await pendingFromCc(organizationId, hubCollection, key.ccContactId!);
      const attempts = (existing?.state === 'failed' ? existing.attempts : 0) + 1;
      const values = {
        cc_contact_id: key.ccContactId ?? existing?.cc_contact_id ?? null,
        email: normalizeEmail(input.email),
        state: 'failed',
        reason: input.reason,
        attempts,
        next_retry_at: (input.retryNextRun ? at : nextRetryAt(attempts, at)).toISOString(),
        updated_at: at.toISOString(),
      };
      if (existing) {
        const row = await db
          .updateTable('id_maps')
          .set(values)
          .where('id', '=', existing.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        return toIdMap(row);
      }
      const row = await db
        .insertInto('id_maps')
        .values({
          id: randomUUID(),
          organization_id: organizationId,
          hub_collection: hubCollection,
          hub_id: key.hubId ?? null,
          hub_hash: null,
          cc_hash: null,
          snapshot: null,
          last_synced_at: null,
          created_at: values.updated_at,
          ...values,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toIdMap(row);
    },

    /** The contact was deleted in CC: the hub record stays, no longer shared, and the user is told why. */
    async unlink(id: string, reason: string): Promise<IdMap> {
      const row = await db
        .updateTable('id_maps')
        .set({ state: 'unlinked', cc_contact_id: null, reason, next_retry_at: null, updated_at: iso() })
        .where('id', '=', id)
        .where('hub_id', 'is not', null)
        .returningAll()
        .executeTakeFirst();
      if (!row) throw new Error(`id map ${id} has no hub record to keep; it cannot be unlinked`);
      return toIdMap(row);
    },

    /** Failed records whose retry time has come, oldest first. */
    async listDueForRetry(organizationId: string, limit = 500): Promise<IdMap[]> {
      const rows = await db
        .selectFrom('id_maps')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .where('state', '=', 'failed')
        .where('next_retry_at', '<=', iso())
        .orderBy('next_retry_at')
        .limit(limit)
        .execute();
      return rows.map(toIdMap);
    },

    /** The next page of id maps in `states`, in id order after `afterId` (a walk over all of them). */
    async pageInStates(
      organizationId: string,
      states: readonly IdMapState[],
      afterId: string | null,
      limit: number,
    ): Promise<IdMap[]> {
      let query = db
        .selectFrom('id_maps')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .where('state', 'in', [...states]);
      if (afterId !== null) query = query.where('id', '>', afterId);
      const rows = await query.orderBy('id').limit(limit).execute();
      return rows.map(toIdMap);
    },

    /** Which of `fragments` (ids CC quotes in its errors) appear in the reasons of failed records. */
    async failureFragments(organizationId: string, fragments: readonly string[]): Promise<Set<string>> {
      const found = new Set<string>();
      for (const fragment of new Set(fragments)) {
        const row = await db
          .selectFrom('id_maps')
          .select('id')
          .where('organization_id', '=', organizationId)
          .where('state', '=', 'failed')
          .where(sql<boolean>`reason like ${likePattern(fragment)} escape '\\'`)
          .limit(1)
          .executeTakeFirst();
        if (row) found.add(fragment);
      }
      return found;
    },

    /** Makes failed records whose reason quotes `fragment` due now (what failed them was repaired). */
    async retryFailuresMentioning(organizationId: string, fragment: string): Promise<number> {
      const result = await db
        .updateTable('id_maps')
        .set({ next_retry_at: iso() })
        .where('organization_id', '=', organizationId)
        .where('state', '=', 'failed')
        .where(sql<boolean>`reason like ${likePattern(fragment)} escape '\\'`)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    /** Makes failed records due now (the Retry button); all of them when `id` is omitted. */
    async retryNow(organizationId: string, id?: string): Promise<number> {
      let query = db
        .updateTable('id_maps')
        .set({ next_retry_at: iso() })
        .where('organization_id', '=', organizationId)
        .where('state', '=', 'failed');
      if (id) query = query.where('id', '=', id);
      const result = await query.executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    /** A page of id maps in some states, optionally filtered by an email fragment, with the total. */
    async page(
      organizationId: string,
      options: {
        states: readonly IdMapState[];
        search?: string;
        /** Only records left out or failed for this reason, word for word. */
        reason?: string | null;
        limit: number;
        offset: number;
      },
    ): Promise<{ items: IdMap[]; total: number }> {
      let base = db
        .selectFrom('id_maps')
        .where('organization_id', '=', organizationId)
        .where('state', 'in', [...options.states]);
      if (options.reason) base = base.where('reason', '=', options.reason);
      const search = normalizeEmail(options.search);
      if (search) {
        // Both engines honour an explicit ESCAPE; only PostgreSQL has a default one.
        base = base.where(sql<boolean>`email like ${likePattern(search)} escape '\\'`);
      }
      const { total } = await base
        .select((eb) => eb.fn.countAll<string | number>().as('total'))
        .executeTakeFirstOrThrow();
      const rows = await base
        .selectAll()
        .orderBy('updated_at', 'desc')
        .orderBy('id')
        .limit(options.limit)
        .offset(options.offset)
        .execute();
      return { items: rows.map(toIdMap), total: Number(total) };
    },

    /**
     * Forgets every pairing with the organization's CC account (after Disconnect): a later link starts as a
     * first link, matching by email again, so nothing points at another account's contacts.
     */
    async clear(organizationId: string): Promise<void> {
      await db.deleteFrom('id_maps').where('organization_id', '=', organizationId).execute();
    },

    /** The reasons records in `states` are not shared for, each with how many, the most common first. */
    async reasonCounts(
      organizationId: string,
      states: readonly IdMapState[],
    ): Promise<Array<{ reason: string; count: number }>> {
      const rows = await db
        .selectFrom('id_maps')
        .select(['reason', (eb) => eb.fn.countAll<string | number>().as('n')])
        .where('organization_id', '=', organizationId)
        .where('state', 'in', [...states])
        .where('reason', 'is not', null)
        .groupBy('reason')
        .orderBy('n', 'desc')
        .orderBy('reason')
        .execute();
      return rows.map((r) => ({ reason: r.reason ?? '', count: Number(r.n) }));
    },

    async countByState(organizationId: string): Promise<Record<IdMapState, number>> {
      const rows = await db
        .selectFrom('id_maps')
        .select(['state', (eb) => eb.fn.countAll<string | number>().as('n')])
        .where('organization_id', '=', organizationId)
        .groupBy('state')
        .execute();
      const counts: Record<IdMapState, number> = { linked: 0, excluded: 0, failed: 0, unlinked: 0 };
      for (const row of rows) counts[row.state as IdMapState] = Number(row.n);
      return counts;
    },
  };
}
