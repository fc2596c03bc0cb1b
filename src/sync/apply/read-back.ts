import type { CcContact } from '../../constantcontact/types.ts';
import { CONTACT_INCLUDES } from '../cc-changes.ts';
import type { SyncContext } from '../sync-context.ts';

/**
 * CC answers a bulk import with an activity, not contact ids: the contacts it touched are read back
 * (changed since `since`) and recorded. Each awaited one found, by `keyOf`, is handed to `found` and taken
 * out of `waiting`; whatever is left in `waiting` afterwards was not applied.
 */
export async function readBackImported<T>(
  ctx: SyncContext,
  since: Date,
  waiting: Map<string, T>,
  keyOf: (contact: CcContact) => string | null,
  found: (awaited: T, contact: CcContact) => void,
): Promise<void> {
  for await (const page of ctx.cc.contacts.pages({
    status: 'all',
    updatedAfter: since,
    include: CONTACT_INCLUDES,
    limit: ctx.options.ccPageSize,
  })) {
    await ctx.repos.ccMirror.recordWritten(ctx.organization.id, page.contacts);
    for (const contact of page.contacts) {
      const key = keyOf(contact);
      const awaited = key === null ? undefined : waiting.get(key);
      if (awaited === undefined) continue;
      waiting.delete(key!);
      found(awaited, contact);
    }
    if (waiting.size === 0) return;
  }
}

/** Why CC left a row out of an import: its own line about that email in the activity, or a plain default. */
export function importRefusal(activityErrors: readonly string[], email: string, fallback: string): string {
  return activityErrors.find((e) => e.toLowerCase().includes(email.toLowerCase())) ?? fallback;
}
