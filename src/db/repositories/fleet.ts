import type { Kysely } from 'kysely';
import type { FinishedRunStatus } from '../../model/sync-run.ts';
import type { Database } from '../schema.ts';

/** One organization as an operator looks at the fleet: its link and its runs, nothing of its data. */
export interface OrganizationState {
  id: string;
  tenant: string;
  groupUid: string;
  linked: boolean;
  needsReconnect: boolean;
  /** Linked, enabled and not waiting for a reconnect: scheduled runs are due for it. */
  syncable: boolean;
  linkedAt: string | null;
  /** A run is marked running (by a live process, or by one that died and left it). */
  running: boolean;
  lastStartedAt: string | null;
  /** How its latest finished run ended; null before its first. */
  lastOutcome: FinishedRunStatus | null;
}

export type FleetRepository = ReturnType<typeof fleetRepository>;

/** Reads across every organization for operators (`cli fleet`, the overdue figure of /metrics). */
export function fleetRepository(db: Kysely<Database>) {
  return {
    /** Every organization not deleted, by tenant and group. Four queries, whatever the fleet's size. */
    async organizationStates(): Promise<OrganizationState[]> {
      const organizations = await db
        .selectFrom('organizations')
        .select([
          'id',
          'tenant',
          'group_uid',
          'cc_account_id',
          'reconnect_reason',
          'sync_enabled',
          'linked_at',
        ])
        .where('deleted_at', 'is', null)
        .orderBy('tenant')
        .orderBy('group_uid')
        .execute();
      const lastStarts = await db
        .selectFrom('sync_runs')
        .select((eb) => ['organization_id', eb.fn.max('started_at').as('last_started_at')])
        .groupBy('organization_id')
        .execute();
      const running = await db
        .selectFrom('sync_runs')
        .select('organization_id')
        .distinct()
        .where('status', '=', 'running')
        .execute();
      const lastFinished = await db
        .selectFrom('sync_runs as r')
        .select(['r.organization_id', 'r.status', 'r.finished_at'])
        .where('r.status', '!=', 'running')
        .where((eb) =>
          eb(
            'r.started_at',
            '=',
            eb
              .selectFrom('sync_runs as l')
              .select((inner) => inner.fn.max('l.started_at').as('started_at'))
              .whereRef('l.organization_id', '=', 'r.organization_id')
              .where('l.status', '!=', 'running'),
          ),
        )
        .execute();
      const startedAt = new Map(lastStarts.map((row) => [row.organization_id, row.last_started_at]));
      const runningIds = new Set(running.map((row) => row.organization_id));
      // Two runs started in the same millisecond: the one that finished last tells how things stand.
      const latest = new Map<string, { status: string; finishedAt: string }>();
      for (const row of lastFinished) {
        const finishedAt = row.finished_at ?? '';
        const known = latest.get(row.organization_id);
        if (!known || finishedAt > known.finishedAt) {
          latest.set(row.organization_id, { status: row.status, finishedAt });
        }
      }
      return organizations.map((row) => {
        const linked = row.cc_account_id !== null;
        const needsReconnect = linked && row.reconnect_reason !== null;
        return {
          id: row.id,
          tenant: row.tenant,
          groupUid: row.group_uid,
          linked,
          needsReconnect,
          syncable: linked && !needsReconnect && row.sync_enabled === 1,
          linkedAt: row.linked_at,
          running: runningIds.has(row.id),
          lastStartedAt: startedAt.get(row.id) ?? null,
          lastOutcome: (latest.get(row.id)?.status as FinishedRunStatus | undefined) ?? null,
        };
      });
    },
  };
}
