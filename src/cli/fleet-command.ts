import type { Connector } from '../connector.ts';
import { summarizeFleet, type TenantFleet } from '../metrics/fleet-summary.ts';
import { isBudgetReading } from '../metrics/readings.ts';
import { parseOptions } from './arguments.ts';

/** What `fleet --json` prints. */
export interface FleetReport {
  generatedAt: string;
  /** Organizations that have started no run for longer than this are overdue (POLL_MAX). */
  overdueAfterMinutes: number;
  /**
   * CC calls spent today (UTC) and allowed. `usedToday` is null in embedded mode: the count lives in the
   * running connector's memory (its /metrics has it), not in the database.
   */
  budget: { usedToday: number | null; limit: number; shared: boolean };
  tenants: TenantFleet[];
}

/** Gathers the report: organizations from the database, the budget from the shared limiter when there is one. */
export async function fleetReport(connector: Connector, now = new Date()): Promise<FleetReport> {
  const { config, repositories, sync } = connector;
  const states = await repositories.fleet.organizationStates();
  // Only a shared limiter knows the deployment's spending; this process's own limiter has spent nothing.
  const limiter = sync.cc?.rateLimiter;
  const shared = config.scaleOut && isBudgetReading(limiter) ? limiter : null;
  return {
    generatedAt: now.toISOString(),
    overdueAfterMinutes: config.polling.maxMs / 60_000,
    budget: {
      usedToday: shared ? await shared.usedToday() : null,
      limit: shared?.limit ?? config.ccBudget.perDay,
      shared: shared !== null,
    },
    tenants: summarizeFleet(states, now, config.polling.maxMs),
  };
}

const COLUMNS: Array<[string, (t: TenantFleet) => string | number]> = [
  ['tenant', (t) => t.tenant],
  ['organizations', (t) => t.organizations],
  ['linked', (t) => t.linked],
  ['needs reconnect', (t) => t.needsReconnect],
  ['running', (t) => t.runningNow],
  ['overdue', (t) => t.overdue],
  ['last run ok', (t) => t.lastRuns.succeeded],
  ['failed', (t) => t.lastRuns.failed],
  ['cancelled', (t) => t.lastRuns.cancelled],
  ['no run yet', (t) => t.lastRuns.none],
];

/** The report as a plain table: one row per tenant, then the budget. */
export function describeFleet(report: FleetReport): string {
  const rows = [
    COLUMNS.map(([title]) => title),
    ...report.tenants.map((t) => COLUMNS.map(([, v]) => String(v(t)))),
  ];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  // Names align left, figures right, as in any table of counts.
  const line = (row: string[]) =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  const { usedToday, limit, shared } = report.budget;
  const budget =
    usedToday === null
      ? `Constant Contact budget today: ${limit} calls a day; what is spent is in the running connector's /metrics (connector_cc_budget_used_today).`
      : `Constant Contact budget today: ${usedToday} of ${limit} calls spent${shared ? ' (shared by every process)' : ''}.`;
  return [
    ...(report.tenants.length > 0 ? rows.map(line) : ['No organization has launched the connector yet.']),
    '',
    `Overdue: linked organizations that started no run in the last ${report.overdueAfterMinutes} minutes (POLL_MAX).`,
    budget,
  ].join('\n');
}

/** `fleet [--json]`: per tenant, organizations linked, needing reconnect, running, overdue, last runs; the budget. */
export async function fleetCommand(connector: Connector, args: readonly string[]): Promise<number> {
  const { flags } = parseOptions(args, { values: [], flags: ['json'] });
  const report = await fleetReport(connector);
  process.stdout.write(
    flags.has('json') ? `${JSON.stringify(report, null, 2)}\n` : `${describeFleet(report)}\n`,
  );
  return 0;
}
