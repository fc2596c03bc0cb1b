import type { MirroredContact } from '../db/repositories/cc-mirror.ts';
import type { ContactMapping } from '../mapping/define-contact-mapping.ts';
import { normalizeEmail } from '../mapping/normalize-email.ts';
import type { WritePlan } from './apply/write-plan.ts';
import { type HubItem, type HubRecord, toItem } from './hub-item.ts';
import { fetchContact, updateLinked } from './linked-contact.ts';
import {
  decideHubRecord,
  type HubRecordDecision,
  type HubRecordFacts,
} from './planner/hub-record-decision.ts';
import { isRecordError, recordErrorReason } from './record-errors.ts';
import { count, flowsFor, type SyncContext } from './sync-context.ts';

/**
 * Shares one page of hub records of one collection with CC. Reads what it needs for the whole page (id
 * maps, the contacts holding the emails), lets the planner decide each record (see `decideHubRecord`),
 * and follows each decision: exclusions are recorded at once; merges, creations and hub writes go into
 * `plan`, to be carried out with the rest of the run's. `force` reprocesses unchanged records (retries).
 */
export async function shareHubRecords(
  ctx: SyncContext,
  mapping: ContactMapping,
  records: readonly HubRecord[],
  plan: WritePlan,
  force = false,
): Promise<void> {
  const items = records.map((r) => toItem(mapping, r)).filter((i): i is HubItem => i !== null);
  const facts = await readFacts(ctx, mapping, items, force);
  const rules = {
    settings: ctx.organization.settings,
    toCc: flowsFor(ctx, mapping.hubCollection).toCc && mapping.flows.hubToCc,
  };
  for (const fact of facts.records) {
    try {
      await follow(ctx, mapping, fact, decideHubRecord(fact, rules), facts.contacts, plan);
    } catch (error) {
      if (!isRecordError(error)) throw error;
      await ctx.repos.idMaps.recordFailure({
        organizationId: ctx.organization.id,
        hubCollection: mapping.hubCollection,
        key: { hubId: fact.item.hubId, ccContactId: fact.map?.ccContactId ?? null },
        email: fact.item.shared.email,
        reason: recordErrorReason(error),
      });
      count(ctx, 'cc', 'failed');
    }
  }
}

/** The planner's facts for a page of records, read in a few queries, and the contacts they name. */
async function readFacts(
  ctx: SyncContext,
  mapping: ContactMapping,
  items: readonly HubItem[],
  force: boolean,
): Promise<{ records: HubRecordFacts[]; contacts: Map<string, MirroredContact> }> {
  const orgId = ctx.organization.id;
  const maps = await ctx.repos.idMaps.findByHubIds(
    orgId,
    mapping.hubCollection,
    items.map((i) => i.hubId),
  );
  const emailOf = (item: HubItem) => normalizeEmail(item.shared.email);
  const emails = items.map(emailOf).filter((e): e is string => e !== null);
  const mapsByEmail = await ctx.repos.idMaps.findByEmails(orgId, emails);
  const mirrorByEmail = await ctx.repos.ccMirror.findByEmails(orgId, emails);
  // The contact of another linked record holding the email, by email.
  const sharedWith = new Map<string, string>();
  for (const [email, held] of mapsByEmail) {
    const linked = held.find((m) => m.state === 'linked' && m.ccContactId);
    if (linked?.ccContactId) sharedWith.set(email, linked.ccContactId);
  }
  const linkedIds = [...maps.values()].flatMap((m) => (m.ccContactId ? [m.ccContactId] : []));
  const contacts = await ctx.repos.ccMirror.get(orgId, [...linkedIds, ...sharedWith.values()]);
  const records = items.map((item): HubRecordFacts => {
    const email = emailOf(item);
    const sharedId = email ? sharedWith.get(email) : undefined;
    const holder =
      (sharedId ? contacts.get(sharedId) : undefined) ?? (email ? mirrorByEmail.get(email) : undefined);
    if (holder) contacts.set(holder.contactId, holder);
    return {
      item,
      map: maps.get(item.hubId) ?? null,
      emailHolder: holder ? { contactId: holder.contactId, deleted: holder.deleted } : null,
      force,
    };
  });
  return { records, contacts };
}

/** Follows one record's decision: recorded now when it needs no write, planned when it does. */
async function follow(
  ctx: SyncContext,
  mapping: ContactMapping,
  { item, map }: HubRecordFacts,
  decision: HubRecordDecision,
  contacts: ReadonlyMap<string, MirroredContact>,
  plan: WritePlan,
): Promise<void> {
  switch (decision.kind) {
    case 'skip':
      if (decision.rule === 'unchanged' || decision.rule === 'deleted-in-cc') count(ctx, 'cc', 'unchanged');
      return;
    case 'exclude':
      if (!decision.recorded) {
        await ctx.repos.idMaps.exclude({
          organizationId: ctx.organization.id,
          hubCollection: mapping.hubCollection,
          hubId: item.hubId,
          email: decision.email,
          reason: decision.reason,
          hubHash: item.fingerprint,
        });
      }
      count(ctx, 'cc', 'excluded');
      return;
    case 'merge': {
      const contact = contacts.get(decision.contactId) ?? (await fetchContact(ctx, decision.contactId));
      await updateLinked(ctx, mapping, item, map, contact, plan);
      return;
    }
    case 'create':
      // Two records of one run with one email make one contact, in the lists of both.
      plan.create(item, decision.email);
      return;
  }
}
