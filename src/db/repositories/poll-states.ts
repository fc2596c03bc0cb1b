import type { Kysely } from 'kysely';
import type { OrganizationPollState } from '../../jobs/poll-planner.ts';
import type { Database } from '../schema.ts';

/** A syncable organization and the poll state stored for it; null before the planner first saw it. */
export interface SyncablePollState {
  organizationId: string;
  tenant: string;
  state: OrganizationPollState | null;
}

/** Rows per upsert statement: well under SQLite's bound-parameter limit, whatever its build. */
const SAVE_BATCH = 200;

type StoredState = Omit<OrganizationPollState, 'organizationId' | 'tenant'>;

function toState(organizationId: string, tenant: string, json: string): OrganizationPollState {
  return { ...(JSON.parse(json) as StoredState), organizationId, tenant };
}

function toJson(state: OrganizationPollState): string {
  const { organizationId: _id, tenant: _tenant, ...stored } = state;
  return JSON.stringify(stored);
}

export type PollStateRepository = ReturnType<typeof pollStateRepository>;

/**
 * The poll planner's state per organization, so any worker plans from what the last one stored. The
 * organization id and tenant are the organization's own columns, never a stale copy.
 */
export function pollStateRepository(db: Kysely<Database>, now: () => Date) {
  return {
    /**
     * Every syncable organization (linked, enabled, not waiting for a reconnect) with its stored state,
     * in one query whatever the fleet's size.
     */
    async listSyncable(): Promise<SyncablePollState[]> {
      const rows = await db
        .selectFrom('organizations as o')
        .leftJoin('poll_states as p', 'p.organization_id', 'o.id')
        .select(['o.id', 'o.tenant', 'p.state'])
        .where('o.deleted_at', 'is', null)
        .where('o.sync_enabled', '=', 1)
        .where('o.cc_account_id', 'is not', null)
        .where('o.reconnect_reason', 'is', null)
        .orderBy('o.created_at')
        .execute();
      return rows.map((row) => ({
        organizationId: row.id,
        tenant: row.tenant,
        state: row.state === null ? null : toState(row.id, row.tenant, row.state),
      }));
    },

    /** The organization's stored state; null when the planner has not seen it yet. */
    async get(organizationId: string): Promise<OrganizationPollState | null> {
      const row = await db
        .selectFrom('poll_states as p')
        .innerJoin('organizations as o', 'o.id', 'p.organization_id')
        .select(['o.tenant', 'p.state'])
        .where('p.organization_id', '=', organizationId)
        .executeTakeFirst();
      return row ? toState(organizationId, row.tenant, row.state) : null;
    },

    /** Stores the states, each replacing its organization's, in one statement per 200 organizations. */
    async saveMany(states: readonly OrganizationPollState[]): Promise<void> {
      const updated_at = now().toISOString();
      for (let start = 0; start < states.length; start += SAVE_BATCH) {
        const rows = states.slice(start, start + SAVE_BATCH).map((state) => ({
          organization_id: state.organizationId,
          state: toJson(state),
          updated_at,
        }));
        await db
          .insertInto('poll_states')
          .values(rows)
          .onConflict((oc) =>
            oc.column('organization_id').doUpdateSet((eb) => ({
              state: eb.ref('excluded.state'),
              updated_at: eb.ref('excluded.updated_at'),
            })),
          )
          .execute();
      }
    },
  };
}
