import type { ConnecClient } from '../connec/connec-client.ts';
import type { ConstantContactClient } from '../constantcontact/client.ts';
import { CcQuotaExceededError } from '../constantcontact/errors.ts';
import type { Repositories } from '../db/repositories/index.ts';
import { ConnectorError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { ContactMapping } from '../mapping/define-contact-mapping.ts';
import { COMPANY_COLLECTION, MAPPINGS, type MappingRegistry } from '../mapping/registry.ts';
import type { Organization } from '../model/organization.ts';
import { emptyCounts, type RunCounts, type RunTrigger, type SyncRun } from '../model/sync-run.ts';
import { WritePlan } from './apply/write-plan.ts';
import { carryOut } from './carry-out.ts';
import { readCcChanges } from './cc-changes.ts';
import { CcListDirectory } from './cc-list-directory.ts';
import { sharePendingContacts } from './cc-records.ts';
import { syncCompany } from './company-sync.ts';
import { restoreDeletedLists } from './deleted-lists.ts';
import { addToGroup } from './groups.ts';
import { readHubChanges } from './hub-changes.ts';
import type { HubRecord } from './hub-item.ts';
import { shareHubRecords } from './hub-records.ts';
import { LeaseLostError } from './lease-lost-error.ts';
import { isRecordError, recordErrorReason } from './record-errors.ts';
import { RunCallBudget } from './run-call-budget.ts';
import { flowsFor, type SyncContext, type SyncOptions } from './sync-context.ts';
import type { SyncMetrics } from './sync-metrics.ts';

export class OrganizationNotLinkedError extends ConnectorError {
  readonly code = 'ORG_NOT_LINKED';
  override readonly httpStatus = 409;
}

export class RunCancelledError extends ConnectorError {
  readonly code = 'RUN_CANCELLED';
}

export interface SyncEngineDeps {
  repos: Repositories;
  /** The Connec! API of the organization's group (built per run from its tenant). */
  connecFor: (organization: Organization, signal?: AbortSignal) => ConnecClient;
  cc: ConstantContactClient;
  now: () => Date;
  logger: Logger;
  options: SyncOptions;
  /** What goes where (default: the product's registry, `MAPPINGS`). */
  mappings?: MappingRegistry;
  /** Told of runs ending and of CC changes reaching the hub; none in tests that do not look. */
  metrics?: SyncMetrics;
}

export interface RunOptions {
  signal?: AbortSignal;
  onProgress?: () => Promise<void>;
  /**
   * Throws (a `LeaseLostError`) once the caller no longer holds the organization's lease: checked before
   * every cursor move and before the run is recorded as finished, so a run another process took over
   * cannot move cursors back or overwrite what the new holder records.
   */
  fence?: () => Promise<void>;
  /**
   * The most CC requests this run may send: it stops at the next safe place once they are spent and
   * records `moreWork`, and a later run goes on from its cursors. None: the run goes to the end.
   */
  maxCalls?: number;
}

/**
 * One sync run of one organization (its steps: `shareChanges`). Records failing on their own are recorded
 * and retried later; anything else (an outage, a lost authorization) ends the run as failed, with cursors
 * where the last complete page left them. The caller holds the organization's lease.
 */
export async function runSync(
  deps: SyncEngineDeps,
  organizationId: string,
  trigger: RunTrigger,
  options: RunOptions = {},
): Promise<SyncRun> {
  const { fence, signal } = options;
  const repos = fence ? withFencedCursors(deps.repos, fence) : deps.repos;
  const organization = await repos.organizations.get(organizationId);
  if (!isLinked(organization)) {
    throw new OrganizationNotLinkedError(
      `Organization ${organization.groupUid} is not linked to Constant Contact.`,
    );
  }
  const callBudget = new RunCallBudget(options.maxCalls);
  const run = await repos.syncRuns.start(organization.id, trigger);
  const logger = deps.logger.child({ organizationId: organization.id, runId: run.id, trigger });
  const counts = emptyCounts();
  const notices: string[] = [];
  try {
    const ctx = await runContext(deps, {
      ...options,
      repos,
      organization,
      run,
      trigger,
      logger,
      callBudget,
      counts,
      notices,
    });
    const finished = await shareChanges(ctx);
    if (!finished) {
      notices.push(
        `Stopped after ${callBudget.spent} Constant Contact requests to leave the day's shared budget ` +
          'to others; the next runs go on where this one stopped.',
      );
    }
    await fence?.();
    const done = await repos.syncRuns.finish(run.id, {
      status: 'succeeded',
      counts,
      notices,
      ccCalls: callBudget.spent,
      moreWork: !finished,
    });
    deps.metrics?.syncRunEnded(trigger, 'succeeded');
    logger.info({ counts, ccCalls: callBudget.spent, moreWork: !finished }, 'sync run succeeded');
    return done;
  } catch (caught) {
    // The organization is another process's now: its run record is the new holder's to close.
    if (caught instanceof LeaseLostError || signal?.reason instanceof LeaseLostError) {
      logger.warn('sync run stopped: another process took the organization over');
      return repos.syncRuns.get(run.id);
    }
    // Once the signal aborted, whatever the interrupted call threw is the stop showing through.
    const error = signal?.aborted ? cancellationOf(signal) : caught;
    return endUnfinished(
      deps,
      { repos, run, trigger, logger, counts, notices, ccCalls: callBudget.spent },
      error,
    );
  }
}

/** What one run is made of, before its context is built. */
interface RunParts {
  repos: Repositories;
  organization: LinkedOrganization;
  run: SyncRun;
  trigger: RunTrigger;
  logger: Logger;
  callBudget: RunCallBudget;
  counts: RunCounts;
  notices: string[];
}

type LinkedOrganization = Organization & { ccAccount: NonNullable<Organization['ccAccount']> };

/** Linked to a CC account, and not deleted on the platform: the only organizations a run may share for. */
function isLinked(organization: Organization): organization is LinkedOrganization {
  return organization.ccAccount !== null && !organization.deletedAt;
}

/** The context every step of the run works with; both clients carry the run's signal. */
async function runContext(deps: SyncEngineDeps, parts: RunParts & RunOptions): Promise<SyncContext> {
  const { repos, organization, run, callBudget, signal } = parts;
  const cc = deps.cc.forOrganization(organization.id, signal, () => callBudget.count());
  const ctx: SyncContext = {
    organization,
    trigger: parts.trigger,
    realm: organization.ccAccount.id,
    mappings: deps.mappings ?? MAPPINGS,
    repos,
    connec: deps.connecFor(organization, signal),
    cc,
    callBudget,
    lists: await CcListDirectory.load(organization.id, repos.ccMirror, cc.lists),
    now: deps.now,
    logger: parts.logger,
    options: deps.options,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    counts: parts.counts,
    notices: parts.notices,
    progress: {},
    async reportProgress() {
      signal?.throwIfAborted();
      await repos.syncRuns.updateProgress(run.id, ctx.progress, ctx.counts);
      await parts.onProgress?.();
    },
  };
  return ctx;
}

/**
 * Records a run that did not finish: cancelled when it was stopped or CC's daily budget is spent (it goes
 * on from its cursors after the reset), failed otherwise, with the error's code and message.
 */
async function endUnfinished(
  deps: SyncEngineDeps,
  parts: Omit<RunParts, 'organization' | 'callBudget'> & { ccCalls: number },
  error: unknown,
): Promise<SyncRun> {
  const cancelled = error instanceof RunCancelledError || error instanceof CcQuotaExceededError;
  const code = error instanceof ConnectorError ? error.code : 'RUN_FAILED';
  const message = error instanceof Error ? error.message : String(error);
  if (cancelled) parts.logger.warn({ reason: message }, 'sync run cancelled');
  else parts.logger.error({ err: error }, 'sync run failed');
  const status = cancelled ? 'cancelled' : 'failed';
  const ended = await parts.repos.syncRuns.finish(parts.run.id, {
    status,
    counts: parts.counts,
    error: { code, message },
    notices: parts.notices,
    ccCalls: parts.ccCalls,
  });
  deps.metrics?.syncRunEnded(parts.trigger, status);
  return ended;
}

/**
 * The run's work, in the order that keeps chunked runs from duplicating anything: CC's changes are read
 * into the copy first (every merge and email match sees CC's latest), then each hub collection's changes
 * go to CC, then what changed only in CC goes to the hub, then the company profile. Nothing is created in
 * the hub before both sides were read to the end, since an unread record could be the same person.
 * Returns false when the call budget stopped it with work left.
 */
async function shareChanges(ctx: SyncContext): Promise<boolean> {
  const { sightings, complete } = await readCcChanges(ctx);
  await restoreDeletedLists(ctx, sightings);
  if (!complete) return false;
  await retryDueRecords(ctx);
  for (const mapping of ctx.mappings.contacts) {
    if (!flowsFor(ctx, mapping.hubCollection).toCc || !mapping.flows.hubToCc) continue;
    const read = await readHubChanges(ctx, mapping.hubCollection, async (records, plan) => {
      await shareHubRecords(ctx, mapping, records, plan);
      ctx.progress[mapping.hubCollection] = (ctx.progress[mapping.hubCollection] ?? 0) + records.length;
      await ctx.reportProgress();
    });
    if (!read) return false;
  }
  await sharePendingContacts(ctx);
  await syncCompany(ctx);
  return true;
}

/** The repositories with every cursor move checked against the lease first. */
function withFencedCursors(repos: Repositories, fence: () => Promise<void>): Repositories {
  return {
    ...repos,
    cursors: {
      ...repos.cursors,
      async set(...args) {
        await fence();
        return repos.cursors.set(...args);
      },
      async remove(...args) {
        await fence();
        return repos.cursors.remove(...args);
      },
    },
  };
}

/** The signal's reason as the run records it: a `RunCancelledError` given by the stopper, or a generic one. */
function cancellationOf(signal: AbortSignal): RunCancelledError {
  const reason: unknown = signal.reason;
  if (reason instanceof RunCancelledError) return reason;
  return new RunCancelledError('The run was cancelled.', { cause: reason });
}

/**
 * Failed records whose retry time has come are shared again, whether or not they changed: together, so
 * many records a bulk activity gave up on go back to CC in bulk rather than one request each.
 */
async function retryDueRecords(ctx: SyncContext): Promise<void> {
  const due = await ctx.repos.idMaps.listDueForRetry(ctx.organization.id);
  const fromCc = due.filter((m) => !m.hubId && m.ccContactId).map((m) => m.ccContactId!);
  if (fromCc.length > 0) await ctx.repos.ccMirror.markPending(ctx.organization.id, fromCc);
  const records = new Map<ContactMapping, HubRecord[]>();
  for (const map of due) {
    if (!map.hubId || map.hubCollection === COMPANY_COLLECTION) continue;
    const mapping = ctx.mappings.contactMappingFor(map.hubCollection);
    try {
      const record = await ctx.connec.get(mapping.hubCollection, map.hubId);
      addToGroup(records, mapping, record);
    } catch (error) {
      if (!isRecordError(error)) throw error;
      await ctx.repos.idMaps.recordFailure({
        organizationId: ctx.organization.id,
        hubCollection: mapping.hubCollection,
        key: { hubId: map.hubId, ccContactId: map.ccContactId },
        email: map.email,
        reason: recordErrorReason(error),
      });
    }
  }
  const plan = new WritePlan();
  for (const [mapping, page] of records) await shareHubRecords(ctx, mapping, page, plan, true);
  await carryOut(ctx, plan);
}
