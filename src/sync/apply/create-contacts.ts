import { importTakesEmail } from '../../constantcontact/bulk-import.ts';
import { CcConflictError } from '../../constantcontact/errors.ts';
import type { CcContact, CcImportRow } from '../../constantcontact/types.ts';
import { ccView } from '../../mapping/cc-limits.ts';
import { sharedToContactCreate } from '../../mapping/contact-shared.ts';
import { type ListRole, sortRoles } from '../../mapping/list-roles.ts';
import { normalizeEmail } from '../../mapping/normalize-email.ts';
import type { SharedContact } from '../../mapping/shared-contact.ts';
import { CONTACT_INCLUDES } from '../cc-changes.ts';
import { addToGroup } from '../groups.ts';
import type { HubItem } from '../hub-item.ts';
import { comparePrimary } from '../primary-record.ts';
import { isRecordError, recordErrorReason } from '../record-errors.ts';
import type { SyncContext } from '../sync-context.ts';
import { importGroups } from './import-groups.ts';
import { importRefusal, readBackImported } from './read-back.ts';
import type { NewContact } from './write-plan.ts';
import { type CreationResult, failed } from './write-results.ts';

function rolesOf(newContact: NewContact): ListRole[] {
  return sortRoles(newContact.items.flatMap((i) => i.roles));
}

/** An import row for a contact: every shared field, cut to CC limits. */
export function importRow(shared: SharedContact, email: string): CcImportRow {
  const v = ccView(shared);
  const row: CcImportRow = { email };
  const set = (key: Exclude<keyof CcImportRow, 'email'>, value: string | null) => {
    if (value) row[key] = value;
  };
  set('first_name', v.first_name);
  set('last_name', v.last_name);
  set('job_title', v.job_title);
  set('company_name', v.company_name);
  set('home_phone', v.phone_home);
  set('mobile_phone', v.phone_mobile);
  set('work_phone', v.phone_work);
  if (v.address_work) {
    const [line1, ...rest] = v.address_work.street?.split('\n') ?? [];
    set('work_street', line1 ?? null);
    set('work_street2', rest.join(' ') || null);
    set('work_city', v.address_work.city);
    set('work_state', v.address_work.state);
    set('work_zip', v.address_work.postal_code);
    set('work_country', v.address_work.country);
  }
  return row;
}

/**
 * Creates contacts for hub records CC does not hold yet, each from its primary record. A few go one
 * request each; above the bulk threshold they go through CC's bulk import (one request per 40,000 rows and
 * per set of lists), whose activity gives no ids: the contacts are read back by email to link them.
 */
export async function createContacts(
  ctx: SyncContext,
  planned: readonly NewContact[],
): Promise<CreationResult[]> {
  const primaryFirst = (a: HubItem, b: HubItem) =>
    comparePrimary(
      { hubCollection: a.mapping.hubCollection, hubId: a.hubId },
      { hubCollection: b.mapping.hubCollection, hubId: b.hubId },
      ctx.mappings.primacyRank,
    );
  const newContacts = planned.map((n) => ({ ...n, items: [...n.items].sort(primaryFirst) }));
  if (newContacts.length <= ctx.options.bulkThreshold) return createOneByOne(ctx, newContacts);
  // CC's import takes emails of at most 50 characters (contacts take 80): longer ones go one by one.
  return [
    ...(await importContacts(
      ctx,
      newContacts.filter((n) => importTakesEmail(n.email)),
    )),
    ...(await createOneByOne(
      ctx,
      newContacts.filter((n) => !importTakesEmail(n.email)),
    )),
  ];
}

async function createOneByOne(
  ctx: SyncContext,
  newContacts: readonly NewContact[],
): Promise<CreationResult[]> {
  const results: CreationResult[] = [];
  for (const newContact of newContacts) {
    const first = newContact.items[0]!;
    try {
      const listIds = await ctx.lists.idsFor(rolesOf(newContact));
      const { body } = sharedToContactCreate({ ...first.shared, email: newContact.email }, listIds);
      const contact = await ctx.cc.contacts.create(body);
      await ctx.repos.ccMirror.recordWritten(ctx.organization.id, [contact]);
      results.push({ write: newContact, ok: true, contact });
    } catch (error) {
      if (error instanceof CcConflictError) {
        // CC already holds the email (perhaps on a deleted contact): link to it instead.
        const holder = await findByEmail(ctx, newContact.email);
        if (holder) {
          results.push({ write: newContact, ok: 'exists', contact: holder });
          continue;
        }
      }
      if (!isRecordError(error)) throw error;
      results.push(failed(newContact, recordErrorReason(error)));
    }
  }
  return results;
}

async function findByEmail(ctx: SyncContext, email: string): Promise<CcContact | null> {
  for await (const page of ctx.cc.contacts.pages({
    email,
    status: 'all',
    include: CONTACT_INCLUDES,
    limit: 1,
  })) {
    const contact = page.contacts[0];
    if (contact) {
      await ctx.repos.ccMirror.recordWritten(ctx.organization.id, [contact]);
      return contact;
    }
    break;
  }
  return null;
}

async function importContacts(
  ctx: SyncContext,
  newContacts: readonly NewContact[],
): Promise<CreationResult[]> {
  const results: CreationResult[] = [];
  const startedAt = new Date(ctx.now().getTime() - 1_000);
  // An import puts all its rows in the same lists: one import per set of lists.
  const byLists = new Map<string, NewContact[]>();
  for (const newContact of newContacts) {
    const key = rolesOf(newContact).join(',');
    addToGroup(byLists, key, newContact);
  }
  const { gaveUp, errors } = await importGroups(
    ctx,
    [...byLists].map(([key, group]) => ({
      items: group,
      rows: group.map((n) => importRow(n.items[0]!.shared, n.email)),
      listIds: () => ctx.lists.idsFor(key.split(',') as ListRole[]),
    })),
  );
  const waiting = new Map(
    newContacts.filter((n) => !gaveUp.has(n)).map((n) => [normalizeEmail(n.email)!, n]),
  );
  if (waiting.size > 0) {
    await readBackImported(
      ctx,
      startedAt,
      waiting,
      (contact) => normalizeEmail(contact.email_address?.address),
      (newContact, contact) => {
        results.push({ write: newContact, ok: true, contact });
      },
    );
  }
  for (const [email, newContact] of waiting) {
    const reason = importRefusal(errors, email, 'Constant Contact did not import it');
    results.push(failed(newContact, `Constant Contact refused it in a bulk import: ${reason}`));
  }
  // A later completion of an import given up on is harmless: the retry finds the contact by email.
  for (const [newContact, reason] of gaveUp) results.push(failed(newContact, reason, true));
  return results;
}
