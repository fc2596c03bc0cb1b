import type { BatchOperation } from '../../connec/connec-client.ts';
import { connecIdOf } from '../../connec/ids.ts';
import type { SyncContext } from '../sync-context.ts';
import type { HubWrite } from './write-plan.ts';

export type HubWriteResult =
  | { write: HubWrite; ok: true; hubId: string | null }
  | { write: HubWrite; ok: false; message: string };

/** The batch operation of a write; null when nothing is left to write (an id entry refused, no fields). */
function operationOf(write: HubWrite, withId: boolean): BatchOperation | null {
  if (write.kind === 'person') return { collection: write.mapping.hubCollection, record: write.record };
  const record: Record<string, unknown> = { ...write.patch };
  if (withId && write.ids) record.id = write.ids;
  if (Object.keys(record).length === 0) return null;
  return { collection: write.ref.hubCollection, connecId: write.ref.hubId, record };
}

/**
 * Sends hub writes through Connec!'s batch endpoint (100 per request) and answers one result per write. A
 * refused write is a result, so one refused record is recorded and the others go on. A record refusing
 * the connector's id entry gets its fields again without it: another record of its collection may still
 * carry the contact's id (say, one unlinked when the contact was deleted in CC, which CC revives with the
 * same id), and the pair is then kept by the id map alone.
 */
export async function applyHubWrites(
  ctx: SyncContext,
  writes: readonly HubWrite[],
): Promise<HubWriteResult[]> {
  const results: HubWriteResult[] = [];
  let pending: Array<{ write: HubWrite; op: BatchOperation; withId: boolean }> = [];
  for (const write of writes) {
    const op = operationOf(write, true);
    if (op) pending.push({ write, op, withId: write.kind === 'record' && write.ids !== null });
    else results.push({ write, ok: true, hubId: null });
  }
  while (pending.length > 0) {
    const answers = await ctx.connec.batch(pending.map((p) => p.op));
    const again: typeof pending = [];
    for (const [i, { write, withId }] of pending.entries()) {
      const answer = answers[i];
      if (!answer)
        throw new Error(`Connec! batch answered ${answers.length} results for ${pending.length} writes`);
      if (answer.ok) {
        results.push({ write, ok: true, hubId: connecIdOf(answer.record.id) ?? null });
        continue;
      }
      const withoutId = withId ? operationOf(write, false) : null;
      if (withoutId) again.push({ write, op: withoutId, withId: false });
      else if (withId) results.push({ write, ok: true, hubId: null });
      else results.push({ write, ok: false, message: answer.error.message });
    }
    pending = again;
  }
  return results;
}
