import type { Kysely, Selectable } from 'kysely';
import type { AlertKind, AlertState, FailureStreak } from '../../model/alert.ts';
import { canChangeSettings, ROLES } from '../../model/user.ts';
import type { AlertsTable, Database } from '../schema.ts';

/** An alert as stored: its state, and why its last email could not be sent (null once one went out). */
export interface StoredAlert extends AlertState {
  lastSendError: string | null;
}

function toAlert(row: Selectable<AlertsTable>): StoredAlert {
  return {
    status: row.status as AlertState['status'],
    troubleSince: row.trouble_since,
    troubleSentAt: row.trouble_sent_at,
    troubleRecipients: Number(row.trouble_recipients),
    recoverySentAt: row.recovery_sent_at,
    lastSendError: row.last_send_error,
  };
}

const ADMIN_ROLES = ROLES.filter(canChangeSettings);

export type AlertRepository = ReturnType<typeof alertRepository>;

/**
 * The alert emails' state per organization and kind, and what deciding them reads elsewhere (run
 * failures, admins' addresses). A process changes an alert only while it holds the alert's claim: the
 * claim is taken by a conditional update, so of several processes one alone decides and sends.
 */
export function alertRepository(db: Kysely<Database>, now: () => Date) {
  const iso = () => now().toISOString();
  const row = (organizationId: string, kind: AlertKind) =>
    db.updateTable('alerts').where('organization_id', '=', organizationId).where('kind', '=', kind);

  return {
    async find(organizationId: string, kind: AlertKind): Promise<StoredAlert | null> {
      const found = await db
        .selectFrom('alerts')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .where('kind', '=', kind)
        .executeTakeFirst();
      return found ? toAlert(found) : null;
    },

    /** Creates the alert's row, quiet, unless it exists: a claim needs a row to take. */
    async ensure(organizationId: string, kind: AlertKind): Promise<void> {
      await db
        .insertInto('alerts')
        .values({ organization_id: organizationId, kind, status: 'ok', updated_at: iso() })
        .onConflict((oc) => oc.columns(['organization_id', 'kind']).doNothing())
        .execute();
    },

    /**
     * Takes the alert for `holder` until `ttlMs` from now, if no one holds it (or their claim ran out).
     * One atomic update: of processes racing for it, one wins. True when `holder` has it. Not re-entrant:
     * two checks of one process must not both send.
     */
    async claim(organizationId: string, kind: AlertKind, holder: string, ttlMs: number): Promise<boolean> {
      const at = now();
      const result = await row(organizationId, kind)
        .set({ claimed_by: holder, claimed_until: new Date(at.getTime() + ttlMs).toISOString() })
        .where((eb) => eb.or([eb('claimed_by', 'is', null), eb('claimed_until', '<', at.toISOString())]))
        .executeTakeFirst();
      return result.numUpdatedRows === 1n;
    },

    /** Stores the alert's next state while `holder` has the claim; false when another process took it. */
    async save(organizationId: string, kind: AlertKind, holder: string, next: AlertState): Promise<boolean> {
      const result = await row(organizationId, kind)
        .set({
          status: next.status,
          trouble_since: next.troubleSince,
          trouble_sent_at: next.troubleSentAt,
          trouble_recipients: next.troubleRecipients,
          recovery_sent_at: next.recoverySentAt,
          last_send_error: null,
          updated_at: iso(),
        })
        .where('claimed_by', '=', holder)
        .executeTakeFirst();
      return result.numUpdatedRows === 1n;
    },

    /** Keeps why an email could not go out; the state is unchanged, so the next check sends it again. */
    async recordSendFailure(
      organizationId: string,
      kind: AlertKind,
      holder: string,
      message: string,
    ): Promise<void> {
      await row(organizationId, kind)
        .set({ last_send_error: message, updated_at: iso() })
        .where('claimed_by', '=', holder)
        .execute();
    },

    async release(organizationId: string, kind: AlertKind, holder: string): Promise<void> {
      await row(organizationId, kind)
        .set({ claimed_by: null, claimed_until: null })
        .where('claimed_by', '=', holder)
        .execute();
    },

    /**
     * Organizations a periodic check should look at: those waiting for a reconnect, those with a run that
     * failed after `failedAfter`, and those with an episode open or an email owed.
     */
    async organizationsToCheck(failedAfter: string): Promise<string[]> {
      const [reconnect, failed, open] = await Promise.all([
        db
          .selectFrom('organizations')
          .select('id')
          .where('deleted_at', 'is', null)
          .where('reconnect_reason', 'is not', null)
          .execute(),
        db
          .selectFrom('sync_runs')
          .select('organization_id')
          .distinct()
          .where('status', '=', 'failed')
          .where('finished_at', '>', failedAfter)
          .execute(),
        db
          .selectFrom('alerts')
          .select('organization_id')
          .where((eb) =>
            eb.or([
              eb('status', '=', 'trouble'),
              eb.and([
                eb('trouble_sent_at', 'is not', null),
                eb('trouble_recipients', '>', 0),
                eb('recovery_sent_at', 'is', null),
              ]),
            ]),
          )
          .execute(),
      ]);
      return [
        ...new Set([
          ...reconnect.map((r) => r.id),
          ...failed.map((r) => r.organization_id),
          ...open.map((r) => r.organization_id),
        ]),
      ].sort();
    },

    /**
     * The organization's failed runs since its last successful run (and since `after`, its link: runs of
     * an earlier link say nothing of this one); null when there is none. Cancelled runs (a stop, CC's
     * daily quota) neither fail nor succeed.
     */
    async failureStreak(organizationId: string, after: string | null): Promise<FailureStreak | null> {
      const success = await db
        .selectFrom('sync_runs')
        .select((eb) => eb.fn.max('finished_at').as('at'))
        .where('organization_id', '=', organizationId)
        .where('status', '=', 'succeeded')
        .executeTakeFirst();
      const bounds = [success?.at ?? null, after].filter((b): b is string => b !== null).sort();
      const from = bounds.at(-1) ?? null;
      let failed = db
        .selectFrom('sync_runs')
        .select(['finished_at', 'error_code', 'error_message'])
        .where('organization_id', '=', organizationId)
        .where('status', '=', 'failed')
        .where('finished_at', 'is not', null);
      if (from) failed = failed.where('finished_at', '>', from);
      const first = await failed.orderBy('finished_at', 'asc').limit(1).executeTakeFirst();
      const last = await failed.orderBy('finished_at', 'desc').limit(1).executeTakeFirst();
      if (!first?.finished_at || !last?.finished_at) return null;
      return {
        since: first.finished_at,
        lastAt: last.finished_at,
        lastError: { code: last.error_code ?? 'RUN_FAILED', message: last.error_message ?? '' },
      };
    },

    /** The addresses of the organization's admins (Admin and Super Admin), each once. */
    async adminEmails(organizationId: string): Promise<string[]> {
      const rows = await db
        .selectFrom('memberships')
        .innerJoin('users', 'users.id', 'memberships.user_id')
        .select('users.email')
        .where('memberships.organization_id', '=', organizationId)
        .where('memberships.role', 'in', ADMIN_ROLES)
        .execute();
      const seen = new Map<string, string>();
      for (const { email } of rows) {
        const address = email.trim();
        if (address.includes('@') && !seen.has(address.toLowerCase()))
          seen.set(address.toLowerCase(), address);
      }
      return [...seen.values()].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
    },
  };
}
