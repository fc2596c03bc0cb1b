import type { z } from 'zod';
import { ConnecBadResponseError } from './errors.ts';
import { type RecordOf, recordSchemaOf } from './records.ts';

export interface ConnecPage<T> {
  records: T[];
  /** Position of the first record of this page in the whole result. */
  skip: number;
  /** Records matching the filter, as Connec! counted them for this page. */
  total: number;
}

function describeIssues(error: z.ZodError, root: string): string {
  return error.issues
    .slice(0, 3)
    .map(
      (issue) =>
        `${[root, ...issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))].join('')}: ${issue.message}`,
    )
    .join('; ');
}

/**
 * A page of records from Connec!'s answer, checked against the documented shape, and its `next` link
 * (followed only to the tenant's own host, which alone gets the credentials).
 */
export function readPage<C extends string>(
  collection: C,
  body: unknown,
  path: string,
  host: URL,
): { page: ConnecPage<RecordOf<C>>; next: URL | undefined } {
  if (!body || typeof body !== 'object')
    throw new ConnecBadResponseError(`Connec! answered GET ${path} with a body that is not an object`);
  const envelope = body as { pagination?: { skip?: unknown; total?: unknown; next?: unknown } } & Record<
    string,
    unknown
  >;
  // Connec! leaves the key out when nothing matches.
  const raw = envelope[collection] ?? [];
  const parsed = recordSchemaOf(collection).array().safeParse(raw);
  if (!parsed.success) {
    throw new ConnecBadResponseError(
      `Connec! answered GET ${path} with records not of the documented shape: ${describeIssues(parsed.error, collection)}`,
    );
  }
  const pagination = envelope.pagination ?? {};
  const skip = typeof pagination.skip === 'number' ? pagination.skip : 0;
  const total = typeof pagination.total === 'number' ? pagination.total : skip + parsed.data.length;
  let next: URL | undefined;
  if (typeof pagination.next === 'string' && pagination.next !== '' && parsed.data.length > 0) {
    next = new URL(pagination.next, host);
    // Credentials go only to the tenant's Connec! host.
    if (next.origin !== host.origin) {
      throw new ConnecBadResponseError(
        `Connec! sent a next link to another host (${next.origin}); refusing to follow it`,
      );
    }
  }
  return { page: { records: parsed.data as RecordOf<C>[], skip, total }, next };
}

/** One record from Connec!'s answer, checked against the documented shape; `where` names the call. */
export function readRecord<C extends string>(collection: C, body: unknown, where: string): RecordOf<C> {
  const raw = body && typeof body === 'object' ? (body as Record<string, unknown>)[collection] : undefined;
  const parsed = recordSchemaOf(collection).safeParse(raw);
  if (!parsed.success) {
    throw new ConnecBadResponseError(
      `Connec! answered ${where} with a record not of the documented shape: ${describeIssues(parsed.error, collection)}`,
    );
  }
  return parsed.data as RecordOf<C>;
}
