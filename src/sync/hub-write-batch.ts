import type { BatchOperation, BatchResult } from '../connec/connec-client.ts';
import type { SyncContext } from './sync-context.ts';

type Completion = (result: BatchResult) => Promise<void>;

/**
 * Hub writes of one page, sent together through Connec!'s batch endpoint (100 per request). Each write
 * carries what to do with its own result, so one refused record is recorded and the others go on.
 */
export class HubWriteBatch {
  readonly #ops: Array<{ op: BatchOperation; done: Completion }> = [];
  readonly #ctx: SyncContext;

  constructor(ctx: SyncContext) {
    this.#ctx = ctx;
  }

  add(op: BatchOperation, done: Completion): void {
    this.#ops.push({ op, done });
  }

  get size(): number {
    return this.#ops.length;
  }

  async flush(): Promise<void> {
    // A completion may queue a second attempt: send until nothing is left.
    while (this.#ops.length > 0) {
      const pending = this.#ops.splice(0);
      const results = await this.#ctx.connec.batch(pending.map((p) => p.op));
      for (const [i, entry] of pending.entries()) {
        const result = results[i];
        if (!result)
          throw new Error(`Connec! batch answered ${results.length} results for ${pending.length} writes`);
        await entry.done(result);
      }
    }
  }
}
