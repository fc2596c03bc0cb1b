import type { CcContact, CcContactInclude } from '../constantcontact/types.ts';
import { ListSightings } from './list-sightings.ts';
import type { SyncContext } from './sync-context.ts';

export const CONTACT_INCLUDES: CcContactInclude[] = [
  'list_memberships',
  'phone_numbers',
  'street_addresses',
  'custom_fields',
];

/**
 * Reads what changed in CC since the last run into the connector's copy of the account, marked as waiting:
 * contacts created, updated or deleted (`status=all` with `updated_after`), and opt-outs, which move only
 * the email's date (`optout_after`). The first run reads every contact, which also gives email matching
 * its index. Cursors move only once everything was read, to the start of the read minus a look-back.
 * Returns what the contacts read tell about the connector's lists (see `restoreDeletedLists`).
 */
export async function readCcChanges(ctx: SyncContext): Promise<ListSightings> {
  const { repos, organization, cc, options } = ctx;
  const startedAt = ctx.now();
  const sightings = new ListSightings();
  const record = async (contacts: readonly CcContact[]) => {
    const before = await repos.ccMirror.get(
      organization.id,
      contacts.map((c) => c.contact_id),
    );
    sightings.observe(ctx.lists.ourListIds, before, contacts);
    await repos.ccMirror.recordSeen(organization.id, contacts);
  };
  const since = await repos.cursors.get(organization.id, 'cc', 'contacts');
  const sinceDate = since ? new Date(since) : undefined;

  for await (const page of cc.contacts.pages({
    status: 'all',
    include: CONTACT_INCLUDES,
    limit: options.ccPageSize,
    ...(sinceDate ? { updatedAfter: sinceDate } : {}),
  })) {
    await record(page.contacts);
  }
  if (sinceDate) {
    for await (const page of cc.contacts.pages({
      status: 'all',
      include: CONTACT_INCLUDES,
      limit: options.ccPageSize,
      optoutAfter: sinceDate,
    })) {
      await record(page.contacts);
    }
  }
  const next = new Date(startedAt.getTime() - options.lookbackMs).toISOString();
  await repos.cursors.set(organization.id, 'cc', 'contacts', next);
  return sightings;
}
