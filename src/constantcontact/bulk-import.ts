import type { CcActivitiesApi, WaitForActivityOptions } from './activities-api.ts';
import { CcImportEmailTooLongError, CcImportRowTooLargeError } from './errors.ts';
import type { CcActivity, CcContactsJsonImport, CcImportRow } from './types.ts';

export interface ImportLimits {
  /** Rows per request; CC takes at most 40,000. */
  maxRows: number;
  /** A request body must stay strictly below this many bytes of JSON; CC takes less than 4 MB. */
  maxBodyBytes: number;
}

/**
 * CC's limits on one `contacts_json_import` request. "4 MB" is read as 4,000,000 bytes, the stricter of its
 * two readings, so a body accepted here is accepted whichever CC means.
 */
export const CC_IMPORT_LIMITS: ImportLimits = { maxRows: 40_000, maxBodyBytes: 4_000_000 };

/**
 * The longest email an import row may carry: the swagger's `JsonImportContact.email` has `maxLength: 50`,
 * where a contact's `email_address.address` has 80. Longer ones go one by one.
 */
export const CC_IMPORT_EMAIL_MAX = 50;

/** Whether CC's import takes this email (see `CC_IMPORT_EMAIL_MAX`). */
export function importTakesEmail(email: string): boolean {
  return email.length <= CC_IMPORT_EMAIL_MAX;
}

/**
 * Splits rows into as few import bodies as the limits allow, keeping their order. Sizes are measured on the
 * serialised JSON (UTF-8 bytes) of the exact body that will be sent, `{"import_data":[...],"list_ids":[...]}`.
 * Throws `CcImportRowTooLargeError` for a row that cannot fit in any body, and `CcImportEmailTooLongError`
 * for a row whose email the import would refuse.
 *
 * @example
 * splitImportRows(hundredThousandShortRows, [listId]).length; // 3 (40,000 + 40,000 + 20,000)
 */
export function splitImportRows(
  rows: readonly CcImportRow[],
  listIds: readonly string[],
  limits: ImportLimits = CC_IMPORT_LIMITS,
): CcContactsJsonImport[] {
  const envelopeBytes = Buffer.byteLength(JSON.stringify(importBody([], listIds)));
  const bodies: CcContactsJsonImport[] = [];
  let chunk: CcImportRow[] = [];
  let chunkBytes = envelopeBytes;
  rows.forEach((row, index) => {
    if (row.email !== undefined && !importTakesEmail(row.email)) {
      throw new CcImportEmailTooLongError(index, row.email.length, CC_IMPORT_EMAIL_MAX);
    }
    const rowBytes = Buffer.byteLength(JSON.stringify(row));
    // Every row after the first in a body costs a separating comma.
    const alone = envelopeBytes + rowBytes;
    if (alone >= limits.maxBodyBytes) throw new CcImportRowTooLargeError(index, alone, limits.maxBodyBytes);
    const added = chunk.length === 0 ? rowBytes : rowBytes + 1;
    if (chunk.length >= limits.maxRows || chunkBytes + added >= limits.maxBodyBytes) {
      bodies.push(importBody(chunk, listIds));
      chunk = [];
      chunkBytes = envelopeBytes;
    }
    chunkBytes += chunk.length === 0 ? rowBytes : rowBytes + 1;
    chunk.push(row);
  });
  if (chunk.length > 0) bodies.push(importBody(chunk, listIds));
  return bodies;
}

// Key order matters: the size measured above is that of this object's serialisation.
function importBody(rows: CcImportRow[], listIds: readonly string[]): CcContactsJsonImport {
  return { import_data: rows, list_ids: [...listIds] };
}

export interface BulkImportOptions extends WaitForActivityOptions {
  limits?: ImportLimits;
  /** Told as each request's activity completes, so a caller can checkpoint before a later one fails. */
  onActivityCompleted?: (activity: CcActivity, rows: number) => void | Promise<void>;
}

export interface BulkImportResult {
  /** The completed activity of each request, in order. */
  activities: CcActivity[];
  rowsSent: number;
  /** Rows CC refused (invalid email, too long a field), summed over the activities. */
  errorCount: number;
  /** CC's description of each refused row, in activity order. */
  activityErrors: string[];
}

/**
 * Imports rows into the given lists (1 to 50) with as few `contacts_json_import` requests as CC's limits
 * allow, one after another, waiting for each activity to complete before sending the next. CC answers with
 * activities, not contact ids: read the contacts back by email to link them.
 */
export async function importContactsInBulk(
  activities: CcActivitiesApi,
  rows: readonly CcImportRow[],
  listIds: readonly string[],
  options: BulkImportOptions = {},
): Promise<BulkImportResult> {
  if (listIds.length < 1 || listIds.length > 50) {
    throw new RangeError(`A Constant Contact import needs 1 to 50 list ids, not ${listIds.length}.`);
  }
  const result: BulkImportResult = { activities: [], rowsSent: 0, errorCount: 0, activityErrors: [] };
  for (const body of splitImportRows(rows, listIds, options.limits)) {
    const created = await activities.importContacts(body, options.signal);
    const completed = await activities.waitForCompletion(created, options);
    result.activities.push(completed);
    result.rowsSent += body.import_data.length;
    result.errorCount += completed.status?.error_count ?? 0;
    result.activityErrors.push(...(completed.activity_errors ?? []));
    await options.onActivityCompleted?.(completed, body.import_data.length);
  }
  return result;
}
