import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import {
  emptyCounts,
  type FinishedRunStatus,
  RUN_TRANSITIONS,
  type RunCounts,
  type RunStatus,
  type RunTrigger,
  type SyncRun,
} from '../../model/sync-run.ts';
import { InvalidRunTransitionError, NotFoundError } from '../db-errors.ts';
import type { Database, SyncRunsTable } from '../schema.ts';

function toRun(row: Selectable<SyncRunsTable>): SyncRun {
  return {
    id: row.id,
    organizationId: row.organization_id,
    trigger: row.trigger as RunTrigger,
    status: row.status as RunStatus,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    counts: JSON.parse(row.counts) as RunCounts,
    progress: row.progress ? (JSON.parse(row.progress) as Record<string, number>) : null,
    error: row.error_code ? { code: row.error_code, message: row.error_message ?? '' } : null,
    notices: row.notices ? (JSON.parse(row.notices) as string[]) : [],
    ccCalls: row.cc_calls === null ? null : Number(row.cc_calls),
    moreWork: Number(row.more_work) === 1,
  };
}

/** The states a run may be in for a move to `to` to be allowed. */
function statesLeadingTo(to: RunStatus): RunStatus[] {
  return (Object.keys(RUN_TRANSITIONS) as RunStatus[]).filter((from) =>
    (RUN_TRANSITIONS[from] as readonly RunStatus[]).includes(to),
  );
}

export type SyncRunRepository = ReturnType<typeof syncRunRepository>;

export function syncRunRepository(db: Kysely<Database>, now: () => Date) {
  return {
    async start(organizationId: string, trigger: RunTrigger): Promise<SyncRun> {
      const row = await db
        .insertInto('sync_runs')
        .values({
          id: randomUUID(),
          organization_id: organizationId,
          trigger,
          status: 'running',
          started_at: now().toISOString(),
          counts: JSON.stringify(emptyCounts()),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toRun(row);
    },

    /** Live progress of a running run (records processed per collection); ignored once it finished. */
    async updateProgress(id: string, progress: Record<string, number>, counts: RunCounts): Promise<void> {
      await db
        .updateTable('sync_runs')
        .set({ progress: JSON.stringify(progress), counts: JSON.stringify(counts) })
        .where('id', '=', id)
        .where('status', '=', 'running')
        .execute();
    },

    /**
     * Ends a run. The move is checked against RUN_TRANSITIONS in the same statement that makes it, so a run
     * cannot be finished twice (for instance, cancelled by a deleted organization and then succeeded).
     */
    async finish(
      id: string,
      outcome: {
        status: FinishedRunStatus;
        counts: RunCounts;
        error?: { code: string; message: string };
        notices?: readonly string[];
        /** CC requests the run sent. */
        ccCalls?: number;
        moreWork?: boolean;
      },
    ): Promise<SyncRun> {
      const row = await db
        .updateTable('sync_runs')
        .set({
          status: outcome.status,
          finished_at: now().toISOString(),
          counts: JSON.stringify(outcome.counts),
          error_code: outcome.error?.code ?? null,
          error_message: outcome.error?.message ?? null,
          notices: outcome.notices?.length ? JSON.stringify(outcome.notices) : null,
          cc_calls: outcome.ccCalls ?? null,
          more_work: outcome.moreWork ? 1 : 0,
        })
        .where('id', '=', id)
        .where('status', 'in', statesLeadingTo(outcome.status))
        .returningAll()
        .executeTakeFirst();
      if (row) return toRun(row);
      const current = await db
        .selectFrom('sync_runs')
        .select('status')
        .where('id', '=', id)
        .executeTakeFirst();
      if (!current) throw new NotFoundError(`Sync run ${id} does not exist.`);
      throw new InvalidRunTransitionError(
        `Sync run ${id} is ${current.status}; it cannot become ${outcome.status}.`,
      );
    },

    /** Marks runs left `running` by a process that died as failed, so history tells the truth. */
    async failAbandoned(organizationId: string, message: string): Promise<number> {
      const result = await db
        .updateTable('sync_runs')
        .set({
          status: 'failed',
          finished_at: now().toISOString(),
          error_code: 'RUN_ABANDONED',
          error_message: message,
        })
        .where('organization_id', '=', organizationId)
        .where('status', '=', 'running')
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async get(id: string): Promise<SyncRun> {
      const row = await db.selectFrom('sync_runs').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw new NotFoundError(`Sync run ${id} does not exist.`);
      return toRun(row);
    },

    /** Newest first. */
    async listRecent(organizationId: string, limit = 20): Promise<SyncRun[]> {
      const rows = await db
        .selectFrom('sync_runs')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .orderBy('started_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toRun);
    },

    async findRunning(organizationId: string): Promise<SyncRun | null> {
      const row = await db
        .selectFrom('sync_runs')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .where('status', '=', 'running')
        .executeTakeFirst();
      return row ? toRun(row) : null;
    },
  };
}
