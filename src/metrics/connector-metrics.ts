import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { CcCallEnd, CcCallMetrics } from '../constantcontact/call-metrics.ts';
import type { Logger } from '../logger.ts';
import { type FinishedRunStatus, RUN_TRIGGERS, type RunTrigger } from '../model/sync-run.ts';
import type { SyncMetrics } from '../sync/sync-metrics.ts';
import type { BudgetReading, FleetReading } from './readings.ts';

export const TOKEN_REFRESH_OUTCOMES = ['ok', 'refused', 'skipped_already_rotated', 'failed'] as const;
/**
 * How one token refresh ended: `ok` (CC gave a new pair), `refused` (invalid_grant: the organization must
 * reconnect), `skipped_already_rotated` (another process had rotated it; its tokens were used), `failed`.
 */
export type TokenRefreshOutcome = (typeof TOKEN_REFRESH_OUTCOMES)[number];

const FINISHED_STATUSES: readonly FinishedRunStatus[] = ['succeeded', 'failed', 'cancelled'];

/** From seconds to a day: changes polled every 15 minutes to every 24 hours all land in a bucket. */
const LAG_BUCKETS_SECONDS = [5, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 43200, 86400];

export interface ConnectorMetricsOptions {
  /** Where a figure that could not be read at scrape time is reported (it is left out of that scrape). */
  logger: Pick<Logger, 'warn'>;
  /** Adds prom-client's process figures (CPU, memory, event loop lag, GC). Off in tests. */
  processMetrics?: boolean;
}

/**
 * The metrics of one connector process, in its own registry (never prom-client's global one, so two
 * connectors in one test process do not share counters). Counters are this process's; the budget and
 * fleet gauges are read at scrape time from readings the rate limiter and the scheduler give, which in
 * scale-out mode are the deployment's shared figures.
 */
export class ConnectorMetrics implements CcCallMetrics, SyncMetrics {
  readonly #registry = new Registry();
  readonly #logger: Pick<Logger, 'warn'>;
  #budget: BudgetReading | null = null;
  #fleet: FleetReading | null = null;

  readonly #ccRequests = new Counter({
    name: 'connector_cc_requests_total',
    help: 'Calls to Constant Contact (API and token endpoint) by HTTP status, or timeout, network_error, aborted.',
    labelNames: ['status'],
    registers: [this.#registry],
  });

  readonly #syncRuns = new Counter({
    name: 'connector_sync_runs_total',
    help: 'Sync runs ended by this process, by what started them and how they ended.',
    labelNames: ['trigger', 'outcome'],
    registers: [this.#registry],
  });

  readonly #lag = new Histogram({
    name: 'connector_cc_to_hub_lag_seconds',
    help: "Seconds from a contact's updated_at in Constant Contact to the run writing that change to Connec!.",
    buckets: LAG_BUCKETS_SECONDS,
    registers: [this.#registry],
  });

  readonly #tokenRefreshes = new Counter({
    name: 'connector_token_refreshes_total',
    help: 'Constant Contact token refreshes by outcome (ok, refused, skipped_already_rotated, failed).',
    labelNames: ['outcome'],
    registers: [this.#registry],
  });

  constructor(options: ConnectorMetricsOptions) {
    this.#logger = options.logger;
    // Every series exists from the start, so rates and alerts see a 0 rather than nothing.
    for (const trigger of RUN_TRIGGERS) {
      for (const outcome of FINISHED_STATUSES) this.#syncRuns.inc({ trigger, outcome }, 0);
    }
    for (const outcome of TOKEN_REFRESH_OUTCOMES) this.#tokenRefreshes.inc({ outcome }, 0);
    if (options.processMetrics) collectDefaultMetrics({ register: this.#registry });
  }

  /** Where `connector_cc_budget_used_today` and `connector_cc_budget_limit` are read from; absent until set. */
  readBudgetFrom(reading: BudgetReading): void {
    this.#budget = reading;
  }

  /** Where `connector_queue_depth` and `connector_organizations_overdue` are read from; absent until set. */
  readFleetFrom(reading: FleetReading): void {
    this.#fleet = reading;
  }

  /** The budget reading set, for commands that print it. */
  get budget(): BudgetReading | null {
    return this.#budget;
  }

  ccCallEnded(end: CcCallEnd): void {
    this.#ccRequests.inc({ status: String(end) });
  }

  syncRunEnded(trigger: RunTrigger, status: FinishedRunStatus): void {
    this.#syncRuns.inc({ trigger, outcome: status });
  }

  ccChangeReachedHub(ccUpdatedAt: string | null, writtenAt: Date): void {
    const changedAt = ccUpdatedAt ? Date.parse(ccUpdatedAt) : Number.NaN;
    if (Number.isNaN(changedAt)) return;
    // A CC clock slightly ahead of ours is not a negative lag.
    this.#lag.observe(Math.max(0, (writtenAt.getTime() - changedAt) / 1000));
  }

  /** One token refresh ended (the token refresh coordinator's `onRefresh`). */
  tokenRefreshed(outcome: TokenRefreshOutcome): void {
    this.#tokenRefreshes.inc({ outcome });
  }

  /** The content type of `text()`: Prometheus' text format. */
  get contentType(): string {
    return this.#registry.contentType;
  }

  /**
   * Every metric in Prometheus' text format: this process's counters, then the budget and fleet figures
   * read now. A reading that fails is logged and left out, so the counters are still served.
   */
  async text(): Promise<string> {
    const figures = new Registry();
    await Promise.all([this.#addBudget(figures), this.#addFleet(figures)]);
    return Registry.merge([this.#registry, figures]).metrics();
  }

  async #addBudget(figures: Registry): Promise<void> {
    const reading = this.#budget;
    if (!reading) return;
    gauge(figures, 'connector_cc_budget_limit', 'Constant Contact calls allowed per UTC day.').set(
      reading.limit,
    );
    const used = await this.#read('the CC budget used today', () => reading.usedToday());
    if (used === undefined) return;
    gauge(figures, 'connector_cc_budget_used_today', 'Constant Contact calls spent since 00:00 UTC.').set(
      used,
    );
  }

  async #addFleet(figures: Registry): Promise<void> {
    const reading = this.#fleet;
    if (!reading) return;
    const [depths, overdue] = await Promise.all([
      this.#read('the queue depth', () => reading.queueDepth()),
      this.#read('the overdue organizations', () => reading.overdueOrganizations()),
    ]);
    if (depths !== undefined) {
      const depth = gauge(figures, 'connector_queue_depth', 'Sync runs waiting, by priority.', ['priority']);
      for (const [priority, waiting] of Object.entries(depths)) depth.set({ priority }, waiting);
    }
    if (overdue !== undefined) {
      gauge(
        figures,
        'connector_organizations_overdue',
        'Organizations whose sync is due and has not started.',
      ).set(overdue);
    }
  }

  async #read<T>(what: string, read: () => Promise<T>): Promise<T | undefined> {
    try {
      return await read();
    } catch (error) {
      this.#logger.warn({ err: error }, `metrics: ${what} could not be read; left out of this scrape`);
      return undefined;
    }
  }
}

function gauge(registry: Registry, name: string, help: string, labelNames: string[] = []) {
  return new Gauge({ name, help, labelNames, registers: [registry] });
}
