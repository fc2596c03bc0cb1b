import { z } from 'zod';
import { ConnecBadNotificationError } from './errors.ts';
import {
  anyRecordSchema,
  type ConnecCollection,
  type ConnecRecord,
  type ConnecRecordOf,
  RECORD_SCHEMAS,
} from './records.ts';

/** One changed record from a notification. */
export type NotificationEntry =
  | {
      [C in ConnecCollection]: { collection: C; groupId: string; record: ConnecRecordOf[C] };
    }[ConnecCollection]
  | { collection: string; groupId: string; record: ConnecRecord };

export interface ConnecNotification {
  /** In the order of the body: people, then organizations, employees, company (as sent). */
  entries: NotificationEntry[];
  /** Collections the body carried that the connector does not share (e.g. `invoices`): accepted, not used. */
  ignoredCollections: string[];
}

const bodySchema = z
  .object({
    people: z.array(RECORD_SCHEMAS.people).optional(),
    organizations: z.array(RECORD_SCHEMAS.organizations).optional(),
    employees: z.array(RECORD_SCHEMAS.employees).optional(),
    // Connec! sends the singleton either alone or in a one-element array.
    company: z.union([RECORD_SCHEMAS.company, z.array(RECORD_SCHEMAS.company)]).optional(),
  })
  .loose();

function where(path: readonly PropertyKey[]): string {
  return (
    path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('') ||
    '(body)'
  );
}

/**
 * Reads the body of a Connec! notification: JSON keyed by collection, each record with its id array and
 * `group_id`; one body may mix groups. Throws ConnecBadNotificationError naming what is wrong and where,
 * e.g. `people[2].group_id: Invalid input: expected string, received undefined`. `shared` names the
 * collections the connector shares beyond people, organizations, employees and company (see the mapping
 * registry): their records are read in the shape every record has.
 */
export function parseConnecNotification(
  body: string | Buffer | unknown,
  shared: readonly string[] = [],
): ConnecNotification {
  let json: unknown = body;
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    const text = body.toString();
    if (text.trim() === '')
      throw new ConnecBadNotificationError(
        'The notification body is empty; expected JSON keyed by collection.',
      );
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new ConnecBadNotificationError(
        `The notification body is not valid JSON: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new ConnecBadNotificationError(
      'The notification body must be a JSON object keyed by collection, e.g. {"people": [...]}.',
    );
  }
  const keys = Object.keys(json);
  if (keys.length === 0)
    throw new ConnecBadNotificationError('The notification body has no collection in it.');
  const extra = shared.filter((c) => !Object.hasOwn(RECORD_SCHEMAS, c));
  const parsed = bodySchema
    .extend(Object.fromEntries(extra.map((c) => [c, z.array(anyRecordSchema).optional()])))
    .safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 3).map((issue) => `${where(issue.path)}: ${issue.message}`);
    const more = parsed.error.issues.length > 3 ? ` (and ${parsed.error.issues.length - 3} more)` : '';
    throw new ConnecBadNotificationError(
      `The notification body is not the documented shape: ${problems.join('; ')}${more}`,
      {
        cause: parsed.error,
      },
    );
  }
  const data = parsed.data;
  const entries: NotificationEntry[] = [];
  for (const record of data.people ?? [])
    entries.push({ collection: 'people', groupId: record.group_id, record });
  for (const record of data.organizations ?? [])
    entries.push({ collection: 'organizations', groupId: record.group_id, record });
  for (const record of data.employees ?? [])
    entries.push({ collection: 'employees', groupId: record.group_id, record });
  const companies =
    data.company === undefined ? [] : Array.isArray(data.company) ? data.company : [data.company];
  for (const record of companies) entries.push({ collection: 'company', groupId: record.group_id, record });
  for (const collection of extra) {
    const records = (data as Record<string, ConnecRecord[] | undefined>)[collection] ?? [];
    for (const record of records) entries.push({ collection, groupId: record.group_id, record });
  }
  const known = new Set([...Object.keys(RECORD_SCHEMAS), ...extra]);
  return { entries, ignoredCollections: keys.filter((k) => !known.has(k)) };
}
