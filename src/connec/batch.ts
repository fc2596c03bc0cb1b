import { ConnecBadResponseError, type ConnecError, errorForStatus } from './errors.ts';
import { readRecord } from './record-reading.ts';
import type { ConnecRecord } from './records.ts';
import type { ConnecTransport } from './transport.ts';

export const MAX_BATCH_OPS = 100;

/**
 * One write of a batch. The sync builds `record` from the hub paths its mappings declare (see src/mapping),
 * so its fields are known by name only there; Connec! validates them, and a refusal is that operation's
 * result, not an exception.
 */
export interface BatchOperation {
  /** Any collection of the group's Connec!: the sync writes to those its mapping registry declares. */
  collection: string;
  /** Omitted: create (or upsert when `record.id` carries the connector's entry). Given: update that record. */
  connecId?: string;
  record: Readonly<Record<string, unknown>>;
}

export type BatchResult =
  | { ok: true; status: number; record: ConnecRecord }
  | { ok: false; status: number; error: ConnecError };

/**
 * Runs writes through `POST /batch`, 100 per request, and returns one result per operation in order. A
 * refused operation is a result with its typed error, not an exception; a batch request that fails as a
 * whole throws. `pathOf` gives an operation's collection (and record) path within the group.
 */
export async function sendBatch(
  transport: ConnecTransport,
  pathOf: (collection: string, connecId?: string) => string,
  operations: readonly BatchOperation[],
): Promise<BatchResult[]> {
  const results: BatchResult[] = [];
  for (let start = 0; start < operations.length; start += MAX_BATCH_OPS) {
    const chunk = operations.slice(start, start + MAX_BATCH_OPS);
    const ops = chunk.map((op) => ({
      method: op.connecId === undefined ? 'POST' : 'PUT',
      url: pathOf(op.collection, op.connecId),
      params: { [op.collection]: op.record },
    }));
    const body = await transport.request('POST', new URL('/batch', transport.host), {
      sequential: true,
      ops,
    });
    const answers = (body as { results?: unknown } | null)?.results;
    if (!Array.isArray(answers) || answers.length !== chunk.length) {
      throw new ConnecBadResponseError(
        `Connec! answered POST /batch with ${Array.isArray(answers) ? answers.length : 'no'} results for ${chunk.length} operations`,
      );
    }
    answers.forEach((answer, i) => {
      const op = chunk[i]!;
      const status = typeof answer?.status === 'number' ? answer.status : 0;
      const call = { method: ops[i]!.method, path: ops[i]!.url, tenantId: transport.tenantId };
      if (status >= 200 && status < 300) {
        const where = `batch op ${start + i} (${call.method} ${call.path})`;
        results.push({ ok: true, status, record: readRecord(op.collection, answer.body, where) });
      } else {
        results.push({ ok: false, status, error: errorForStatus(status, answer?.body, call) });
      }
    });
  }
  return results;
}
