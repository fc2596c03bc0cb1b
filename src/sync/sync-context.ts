import type { ConnecClient } from '../connec/connec-client.ts';
import type { CcOrganizationClient } from '../constantcontact/client.ts';
import type { CcActivityQueueFullError } from '../constantcontact/errors.ts';
import type { Repositories } from '../db/repositories/index.ts';
import type { Logger } from '../logger.ts';
import type { MappingRegistry } from '../mapping/registry.ts';
import { directionFlows, type HubCollection } from '../model/hub-collections.ts';
import type { Organization } from '../model/organization.ts';
import type { RunCounts, RunTrigger } from '../model/sync-run.ts';
import type { CcListDirectory } from './cc-list-directory.ts';
import type { RunCallBudget } from './run-call-budget.ts';
import type { SyncMetrics } from './sync-metrics.ts';

export interface SyncOptions {
  /** Above this many creations in one page, contacts go to CC through a bulk import. */
  bulkThreshold: number;
  /** Cursors are set this far before the start of the fetch, so clock skew and late commits are re-read. */
  lookbackMs: number;
  /** Hub records per request (Connec! allows up to 1,000). */
  hubPageSize: number;
  /** Contacts per request (CC allows up to 500). */
  ccPageSize: number;
  /** How often the account summary (company profile) is read from CC when the hub company did not change. */
  accountPollMs: number;
  /**
   * How long a run waits for one of CC's bulk activities; past it, the records it carries are recorded as
   * failed and sent again on the next run (a late completion is harmless: imports match by email).
   */
  activityDeadlineMs: number;
}

export const DEFAULT_SYNC_OPTIONS: SyncOptions = {
  bulkThreshold: 200,
  lookbackMs: 5 * 60_000,
  hubPageSize: 200,
  ccPageSize: 500,
  accountPollMs: 60 * 60_000,
  activityDeadlineMs: 5 * 60_000,
};

/** Everything one run of one organization works with. Built by the runner, read by every phase. */
export interface SyncContext {
  organization: Organization;
  /** What started the run: a manual run reads what a scheduled one may leave for later (the account summary). */
  trigger: RunTrigger;
  /** The CC account id: the realm of the connector's entries in hub id arrays. */
  realm: string;
  /** What goes where: the collections shared as contacts, their order, where CC-born contacts go. */
  mappings: MappingRegistry;
  repos: Repositories;
  connec: ConnecClient;
  cc: CcOrganizationClient;
  /** The CC requests this run sent, and its cap when it runs as a chunk (see `RunCallBudget`). */
  callBudget: RunCallBudget;
  lists: CcListDirectory;
  now: () => Date;
  logger: Logger;
  options: SyncOptions;
  metrics?: SyncMetrics;
  counts: RunCounts;
  /** What the run did besides moving records, for the user (see SyncRun.notices). */
  notices: string[];
  /**
   * Set once CC refused to queue a bulk activity (too many queued for the account): the rest of the run
   * sends no more, and the records they would have carried go again on the next run.
   */
  activityQueueFull?: CcActivityQueueFullError;
  /** Records processed per collection, for the progress bar. */
  progress: Record<string, number>;
  /** Saves progress and counts so the page can show them while the run goes on. */
  reportProgress(): Promise<void>;
}

export type Side = 'hub' | 'cc';

export function count(ctx: SyncContext, side: Side, kind: keyof RunCounts['hub'], n = 1): void {
  ctx.counts[side][kind] += n;
}

/** The directions an organization allows for a collection, as two switches. */
export function flowsFor(ctx: SyncContext, collection: HubCollection): { toCc: boolean; toHub: boolean } {
  return directionFlows(ctx.mappings.directionOf(ctx.organization.settings.directions, collection));
}
