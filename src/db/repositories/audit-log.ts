import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

export const AUDIT_EVENTS = [
  'organization.linked',
  'organization.unlinked',
  'organization.cc_account_moved',
  'organization.authorization_renewed',
  'organization.deleted',
  'organization.purged',
  'organization.settings_changed',
  'member.removed',
  'tokens.reencrypted',
] as const;
export type AuditEvent = (typeof AUDIT_EVENTS)[number];

export interface AuditEntry {
  id: string;
  tenant: string;
  organizationId: string | null;
  /**
   * A user uid, `platform` for platform webhooks, `operator` for the command line, or `connector` for what
   * the connector does on its own.
   */
  actor: string;
  event: AuditEvent;
  /** Ids and setting names only: the audit log is kept longer than personal data may be. */
  details: Record<string, unknown>;
  at: string;
}

export type AuditLogRepository = ReturnType<typeof auditLogRepository>;

export function auditLogRepository(db: Kysely<Database>, now: () => Date) {
  return {
    async record(entry: Omit<AuditEntry, 'id' | 'at'>): Promise<AuditEntry> {
      const full: AuditEntry = { ...entry, id: randomUUID(), at: now().toISOString() };
      await db
        .insertInto('audit_log')
        .values({
          id: full.id,
          tenant: full.tenant,
          organization_id: full.organizationId,
          actor: full.actor,
          event: full.event,
          details: JSON.stringify(full.details),
          at: full.at,
        })
        .execute();
      return full;
    },

    /** Newest first. */
    async listForOrganization(organizationId: string, limit = 50): Promise<AuditEntry[]> {
      const rows = await db
        .selectFrom('audit_log')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .orderBy('at', 'desc')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map((r) => ({
        id: r.id,
        tenant: r.tenant,
        organizationId: r.organization_id,
        actor: r.actor,
        event: r.event as AuditEvent,
        details: JSON.parse(r.details) as Record<string, unknown>,
        at: r.at,
      }));
    },
  };
}
