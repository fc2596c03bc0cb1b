/**
 * Row types, exactly as stored (snake_case). Repositories map them to the domain types in src/db/model.ts.
 * Portable across SQLite and PostgreSQL: timestamps are ISO 8601 UTC text (they sort as text), booleans are
 * 0/1 integers, structured values are JSON text.
 */
import type { Generated } from 'kysely';

export interface OrganizationsTable {
  id: string;
  tenant: string;
  group_uid: string;
  name: string;
  cc_account_id: string | null;
  cc_account_name: string | null;
  access_token_enc: string | null;
  refresh_token_enc: string | null;
  token_expires_at: string | null;
  /** JSON of OrganizationSettings. */
  settings: string;
  sync_enabled: number;
  linked_at: string | null;
  deleted_at: string | null;
  lease_holder: string | null;
  lease_expires_at: string | null;
  /** Set when the organization must connect Constant Contact again, saying why; null otherwise. */
  reconnect_reason: string | null;
  reconnect_since: string | null;
  /** The IANA zone of the CC account as last read; null until read (pages then show UTC). */
  time_zone: string | null;
  created_at: string;
  updated_at: string;
}

/** An authorization of a CC account linked elsewhere, kept (encrypted, briefly) until the user decides. */
export interface CcPendingLinksTable {
  id: string;
  organization_id: string;
  /** The session that started the link: only it may confirm. */
  session_id: string;
  cc_account_id: string;
  cc_account_name: string;
  cc_time_zone: string | null;
  access_token_enc: string;
  refresh_token_enc: string;
  token_expires_at: string;
  expires_at: string;
  created_at: string;
}

export interface UsersTable {
  id: string;
  tenant: string;
  uid: string;
  email: string;
  first_name: string | null;
  last_name: string | null;
  created_at: string;
  updated_at: string;
}

export interface MembershipsTable {
  user_id: string;
  organization_id: string;
  role: string;
  created_at: string;
  updated_at: string;
}

export interface IdMapsTable {
  id: string;
  organization_id: string;
  hub_collection: string;
  hub_id: string | null;
  cc_contact_id: string | null;
  email: string | null;
  hub_hash: string | null;
  cc_hash: string | null;
  /** JSON: the mapped fields as last agreed by both sides, the base of three-way merges. */
  snapshot: string | null;
  state: string;
  reason: string | null;
  attempts: number;
  next_retry_at: string | null;
  last_synced_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface SyncRunsTable {
  id: string;
  organization_id: string;
  trigger: string;
  status: string;
  started_at: string;
  finished_at: string | null;
  /** JSON of RunCounts. */
  counts: string;
  /** JSON: records processed per collection while running. */
  progress: string | null;
  error_code: string | null;
  error_message: string | null;
  /** JSON array of the run's notices (see SyncRun.notices); null when there is none. */
  notices: string | null;
  /** Constant Contact requests the run sent; null for runs recorded before migration 0006. */
  cc_calls: number | null;
  /** 1 when the run stopped at its call budget with work left. */
  more_work: Generated<number>;
}

export interface CursorsTable {
  organization_id: string;
  side: string;
  collection: string;
  value: string;
  updated_at: string;
}

export interface AuditLogTable {
  id: string;
  tenant: string;
  organization_id: string | null;
  actor: string;
  event: string;
  /** JSON; ids and setting names only, never personal data. */
  details: string;
  at: string;
}

export interface CcContactsTable {
  organization_id: string;
  contact_id: string;
  /** Normalized. */
  email: string | null;
  /** JSON: the contact as CC last showed it (or as the connector last wrote it). */
  contact: string;
  cc_created_at: string | null;
  cc_updated_at: string | null;
  unsubscribed: number;
  deleted: number;
  /** 1 while a change seen in CC waits to be shared. */
  pending: number;
  seen_at: string;
}

export interface CcListsTable {
  organization_id: string;
  role: string;
  list_id: string;
  updated_at: string;
}

/** The poll planner's state of one organization (see OrganizationPollState). */
export interface PollStatesTable {
  organization_id: string;
  /** JSON of OrganizationPollState without its organization id and tenant (those are the organization's). */
  state: string;
  updated_at: string;
}

/** A one-time token already used (a SAML assertion) or ended (a session), kept until it expires. */
export interface SpentTokensTable {
  kind: string;
  key: string;
  expires_at: string;
}

/** When a member's access to an organization last went down, by the platform's ids. */
export interface AccessChangesTable {
  tenant: string;
  user_uid: string;
  group_uid: string;
  lowered_at: string;
}

/** Where one kind of alert email of one organization stands (see AlertState), and who is sending it. */
export interface AlertsTable {
  organization_id: string;
  kind: string;
  status: string;
  trouble_since: string | null;
  trouble_sent_at: string | null;
  trouble_recipients: Generated<number>;
  recovery_sent_at: string | null;
  /** The process sending (or deciding) for this alert, until `claimed_until`; null when none is. */
  claimed_by: string | null;
  claimed_until: string | null;
  /** Why the last email could not be sent; null once one went out. */
  last_send_error: string | null;
  updated_at: string;
}

export interface Database {
  organizations: OrganizationsTable;
  users: UsersTable;
  memberships: MembershipsTable;
  id_maps: IdMapsTable;
  sync_runs: SyncRunsTable;
  cursors: CursorsTable;
  audit_log: AuditLogTable;
  cc_contacts: CcContactsTable;
  cc_lists: CcListsTable;
  cc_pending_links: CcPendingLinksTable;
  poll_states: PollStatesTable;
  spent_tokens: SpentTokensTable;
  access_changes: AccessChangesTable;
  alerts: AlertsTable;
}
