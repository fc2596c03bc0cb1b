import type { ContactMapping } from '../mapping/define-contact-mapping.ts';
import { checkEmail } from '../mapping/eligibility.ts';
import { normalizeEmail } from '../mapping/normalize-email.ts';
import { readSnapshot } from './contact-snapshot.ts';
import { flushPendingWrites, MAX_BUFFERED_CREATIONS } from './creation-buffer.ts';
import { isHistorical } from './historical.ts';
import { type HubItem, type HubRecord, toItem } from './hub-item.ts';
import { HubWriteBatch } from './hub-write-batch.ts';
import { fetchContact, updateLinked } from './linked-contact.ts';
import { EXISTED_BEFORE_SHARING, NO_ROLE } from './reasons.ts';
import { isRecordError, recordErrorReason } from './record-errors.ts';
import { count, flowsFor, type SyncContext } from './sync-context.ts';

/**
 * Shares one page of hub records of one collection with CC: each record is skipped when unchanged since
 * the connector last saw or wrote it, excluded when CC cannot take it, linked to the contact that holds its
 * email when there is one, or created in CC; linked records are merged field by field. Hub writes (field
 * changes from CC, the connector's id) go back in one batch. `force` reprocesses unchanged records (retries).
 */
export async function shareHubRecords(
  ctx: SyncContext,
  mapping: ContactMapping,
  records: readonly HubRecord[],
  force = false,
): Promise<void> {
  const orgId = ctx.organization.id;
  const collection = mapping.hubCollection;
  const items = records.map((r) => toItem(mapping, r)).filter((i): i is HubItem => i !== null);
  const maps = await ctx.repos.idMaps.findByHubIds(
    orgId,
    collection,
    items.map((i) => i.hubId),
  );
  const emails = items.map((i) => normalizeEmail(i.shared.email)).filter((e): e is string => e !== null);
  const mapsByEmail = await ctx.repos.idMaps.findByEmails(orgId, emails);
  const mirrorByEmail = await ctx.repos.ccMirror.findByEmails(orgId, emails);
  const hubWrites = new HubWriteBatch(ctx);

  const linkedIds = [...maps.values()].map((m) => m.ccContactId).filter((id): id is string => Boolean(id));
  const contacts = await ctx.repos.ccMirror.get(orgId, linkedIds);

  const exclude = async (item: HubItem, email: string | null, reason: string) => {
    await ctx.repos.idMaps.exclude({
      organizationId: orgId,
      hubCollection: collection,
      hubId: item.hubId,
      email,
      reason,
      hubHash: item.fingerprint,
    });
    count(ctx, 'cc', 'excluded');
  };

  for (const item of items) {
    const map = maps.get(item.hubId);
    try {
      // A record kept back (or linked as it was) as historical is looked at again once history is shared.
      const historicalNowShared =
        ctx.organization.settings.shareHistorical &&
        ((map?.state === 'excluded' && map.reason === EXISTED_BEFORE_SHARING) ||
          (map?.state === 'linked' && readSnapshot(map.snapshot)?.keptAsIs === true));
      if (
        map &&
        !force &&
        map.hubHash === item.fingerprint &&
        map.state !== 'failed' &&
        !historicalNowShared
      ) {
        count(ctx, 'cc', 'unchanged');
        continue;
      }
      // The contact was deleted in CC; sharing resumes only when the user asks (Retry).
      if (map?.state === 'unlinked' && !force) {
        count(ctx, 'cc', 'unchanged');
        continue;
      }
      const eligibility = checkEmail(item.shared.email);
      if (!eligibility.eligible) {
        if (
          map?.state !== 'excluded' ||
          map.reason !== eligibility.reason ||
          map.hubHash !== item.fingerprint
        ) {
          await ctx.repos.idMaps.exclude({
            organizationId: orgId,
            hubCollection: collection,
            hubId: item.hubId,
            email: item.shared.email,
            reason: eligibility.reason,
            hubHash: item.fingerprint,
          });
        }
        count(ctx, 'cc', 'excluded');
        continue;
      }
      const email = normalizeEmail(eligibility.email)!;
      const linkedContactId = map?.ccContactId ?? null;
      if (linkedContactId) {
        const contact = contacts.get(linkedContactId) ?? (await fetchContact(ctx, linkedContactId));
        await updateLinked(ctx, mapping, item, map!, contact, hubWrites);
        continue;
      }
      // Not linked yet: the contact that holds this email, known from another hub record or from CC.
      const sharedWith = mapsByEmail.get(email)?.find((m) => m.state === 'linked' && m.ccContactId);
      const holder = sharedWith?.ccContactId
        ? (contacts.get(sharedWith.ccContactId) ??
          (await ctx.repos.ccMirror.get(orgId, [sharedWith.ccContactId])).get(sharedWith.ccContactId))
        : mirrorByEmail.get(email);
      if (holder && !holder.deleted) {
        await updateLinked(ctx, mapping, item, map ?? null, holder, hubWrites);
        continue;
      }
      if (isHistorical(ctx.organization.settings, item.record.created_at)) {
        await exclude(item, email, EXISTED_BEFORE_SHARING);
        continue;
      }
      if (!flowsFor(ctx, collection).toCc || !mapping.flows.hubToCc || !item.active) continue;
      if (item.roles.length === 0) {
        await exclude(item, email, NO_ROLE);
        continue;
      }
      // Two records of one page with one email make one contact, in the lists of both.
      const existing = ctx.creations.get(email);
      if (existing) existing.items.push(item);
      else ctx.creations.set(email, { email: eligibility.email, items: [item] });
    } catch (error) {
      if (!isRecordError(error)) throw error;
      await ctx.repos.idMaps.recordFailure({
        organizationId: orgId,
        hubCollection: collection,
        key: { hubId: item.hubId, ccContactId: map?.ccContactId ?? null },
        email: item.shared.email,
        reason: recordErrorReason(error),
      });
      count(ctx, 'cc', 'failed');
    }
  }

  // Hub writes go first: a CC write finishing later must know whether the hub refused its record's half.
  await hubWrites.flush();
  if (ctx.creations.size + ctx.contactUpdates.size + ctx.membershipChanges.size >= MAX_BUFFERED_CREATIONS)
    await flushPendingWrites(ctx);
}
