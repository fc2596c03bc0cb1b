import type { FleetRepository, OrganizationState } from '../db/repositories/fleet.ts';
import type { FleetReading } from './readings.ts';

/** One tenant's organizations as `cli fleet` prints them. */
export interface TenantFleet {
  tenant: string;
  /** Organizations that launched the connector and were not deleted. */
  organizations: number;
  linked: number;
  needsReconnect: number;
  runningNow: number;
  overdue: number;
  /** Linked organizations by how their latest finished run ended (`none`: no run finished yet). */
  lastRuns: { succeeded: number; failed: number; cancelled: number; none: number };
}

/**
 * True when a syncable organization has started no run for longer than `overdueAfterMs` (POLL_MAX: no
 * organization should wait longer between polls), counted from its last run or, if later, its link.
 */
export function isOverdue(state: OrganizationState, now: Date, overdueAfterMs: number): boolean {
  if (!state.syncable || state.running) return false;
  const times = [state.lastStartedAt, state.linkedAt].filter((at) => at !== null).map((at) => Date.parse(at));
  return times.length > 0 && now.getTime() - Math.max(...times) > overdueAfterMs;
}

/** Per tenant, in tenant order: what is linked, waiting for a reconnect, running, overdue, and last runs. */
export function summarizeFleet(
  states: readonly OrganizationState[],
  now: Date,
  overdueAfterMs: number,
): TenantFleet[] {
  const tenants = new Map<string, TenantFleet>();
  for (const state of states) {
    let tenant = tenants.get(state.tenant);
    if (!tenant) {
      tenant = {
        tenant: state.tenant,
        organizations: 0,
        linked: 0,
        needsReconnect: 0,
        runningNow: 0,
        overdue: 0,
        lastRuns: { succeeded: 0, failed: 0, cancelled: 0, none: 0 },
      };
      tenants.set(state.tenant, tenant);
    }
    tenant.organizations += 1;
    if (state.running) tenant.runningNow += 1;
    if (!state.linked) continue;
    tenant.linked += 1;
    if (state.needsReconnect) tenant.needsReconnect += 1;
    if (isOverdue(state, now, overdueAfterMs)) tenant.overdue += 1;
    tenant.lastRuns[state.lastOutcome ?? 'none'] += 1;
  }
  return [...tenants.values()].sort((a, b) => a.tenant.localeCompare(b.tenant));
}

/**
 * A fleet reading from the database alone: overdue organizations as `cli fleet` counts them, and no queue
 * depth (only the scheduler knows its queue; it passes `queueDepth`).
 */
export function databaseFleetReading(
  fleet: FleetRepository,
  overdueAfterMs: number,
  options: { now?: () => Date; queueDepth?: () => Promise<Record<string, number>> } = {},
): FleetReading {
  const now = options.now ?? (() => new Date());
  return {
    queueDepth: options.queueDepth ?? (async () => ({})),
    async overdueOrganizations() {
      const states = await fleet.organizationStates();
      return states.filter((state) => isOverdue(state, now(), overdueAfterMs)).length;
    },
  };
}
