import { CcValidationError } from '../constantcontact/errors.ts';
import type { CcContact, CcContactInclude, CcContactsPage } from '../constantcontact/types.ts';
import { ListSightings } from './list-sightings.ts';
import type { SyncContext } from './sync-context.ts';

export const CONTACT_INCLUDES: CcContactInclude[] = [
  'list_memberships',
  'phone_numbers',
  'street_addresses',
  'custom_fields',
];

/** The cursor (side `cc`) of a read stopped at the run's call budget, for the next run to go on from. */
export const CC_READ_RESUME = 'contacts_resume';

type ReadPhase = 'updated' | 'optout';

/** Where a stopped read goes on: the phase, CC's `next` link, and when the whole read began. */
interface ResumePoint {
  phase: ReadPhase;
  next: string;
  startedAt: string;
}

export interface CcChangesRead {
  /** What the contacts read tell about the connector's lists (see `restoreDeletedLists`). */
  sightings: ListSightings;
  /** False when the run's call budget stopped the read: the rest is read by the next run. */
  complete: boolean;
}

/**
 * Reads what changed in CC since the last run into the connector's copy of the account, marked as waiting:
 * contacts created, updated or deleted (`status=all` with `updated_after`), and opt-outs, which move only
 * the email's date (`optout_after`). The first run reads every contact, which also gives email matching
 * its index. When the run's call budget runs out with pages left, the read stops after a page and keeps
 * CC's `next` link, and the next run goes on from there. The changes cursor moves only once everything was
 * read, to the start of the whole read (its first chunk) minus a look-back.
 */
export async function readCcChanges(ctx: SyncContext): Promise<CcChangesRead> {
  const { repos, organization, options } = ctx;
  const sightings = new ListSightings();
  const resume = parseResumePoint(await repos.cursors.get(organization.id, 'cc', CC_READ_RESUME));
  const startedAt = resume ? new Date(resume.startedAt) : ctx.now();
  const since = await repos.cursors.get(organization.id, 'cc', 'contacts');
  const sinceDate = since ? new Date(since) : undefined;
  const phases: ReadPhase[] = sinceDate ? ['updated', 'optout'] : ['updated'];

  for (const phase of phases.slice(resume ? phases.indexOf(resume.phase) : 0)) {
    const resumed = resume?.phase === phase ? resume.next : null;
    const stoppedAt = await readPhase(ctx, sightings, resumed, () =>
      ctx.cc.contacts.pages({
        status: 'all',
        include: CONTACT_INCLUDES,
        limit: options.ccPageSize,
        ...(phase === 'updated'
          ? sinceDate
            ? { updatedAfter: sinceDate }
            : {}
          : { optoutAfter: sinceDate as Date }),
      }),
    );
    if (stoppedAt) {
      const point: ResumePoint = { phase, next: stoppedAt, startedAt: startedAt.toISOString() };
      await repos.cursors.set(organization.id, 'cc', CC_READ_RESUME, JSON.stringify(point));
      return { sightings, complete: false };
    }
  }
  const next = new Date(startedAt.getTime() - options.lookbackMs).toISOString();
  await repos.cursors.set(organization.id, 'cc', 'contacts', next);
  if (resume) await repos.cursors.remove(organization.id, 'cc', CC_READ_RESUME);
  return { sightings, complete: true };
}

/**
 * One phase of the read, from its start or from a kept `next` link. Returns the `next` link to go on from
 * when the budget ran out with pages left, null when the phase was read to its end.
 */
async function readPhase(
  ctx: SyncContext,
  sightings: ListSightings,
  resumeFrom: string | null,
  fromStart: () => AsyncGenerator<CcContactsPage, void, undefined>,
): Promise<string | null> {
  const pages = resumeFrom ? ctx.cc.contacts.pagesFrom(resumeFrom) : fromStart();
  let first = true;
  try {
    for await (const page of pages) {
      first = false;
      await record(ctx, sightings, page.contacts);
      const next = page._links?.next?.href;
      if (next && ctx.callBudget.exhausted) return next;
    }
    return null;
  } catch (error) {
    // CC no longer takes the kept link (too old, or CC changed its cursors): this run fails, the next one
    // reads from the changes cursor again. Nothing is lost: what was read is in the copy already.
    if (resumeFrom && first && error instanceof CcValidationError) {
      await ctx.repos.cursors.remove(ctx.organization.id, 'cc', CC_READ_RESUME);
    }
    throw error;
  }
}

async function record(ctx: SyncContext, sightings: ListSightings, contacts: readonly CcContact[]) {
  const { repos, organization } = ctx;
  const before = await repos.ccMirror.get(
    organization.id,
    contacts.map((c) => c.contact_id),
  );
  sightings.observe(ctx.lists.ourListIds, before, contacts);
  await repos.ccMirror.recordSeen(organization.id, contacts);
}

function parseResumePoint(value: string | null): ResumePoint | null {
  if (!value) return null;
  try {
    const point = JSON.parse(value) as Partial<ResumePoint>;
    if (
      (point.phase === 'updated' || point.phase === 'optout') &&
      typeof point.next === 'string' &&
      typeof point.startedAt === 'string'
    ) {
      return { phase: point.phase, next: point.next, startedAt: point.startedAt };
    }
  } catch {
    // A value this version cannot read is treated as no resume point: the read starts again.
  }
  return null;
}
