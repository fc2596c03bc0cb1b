import type { Deliverer } from './delivery.ts';
import type { HubCollection } from './hub-store.ts';

export interface NotifierOptions {
  /** How long changes gather before one body is sent. */
  bufferMs: number;
  /** A body is sent at once when it holds this many records. */
  maxRecords: number;
}

export const DEFAULT_NOTIFIER_OPTIONS: NotifierOptions = { bufferMs: 200, maxRecords: 100 };

/**
 * Gathers the changes other apps make and sends them to the connector as Connec! does: one body per tenant,
 * keyed by collection, records carrying their group_id (so a body may mix organizations). A record changed
 * twice before the body leaves is sent once, as it is now.
 */
export class Notifier {
  readonly #buffers = new Map<string, Map<HubCollection, Map<string, Record<string, unknown>>>>();
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #deliverer: Deliverer;
  readonly #options: NotifierOptions;

  constructor(deliverer: Deliverer, options: NotifierOptions) {
    this.#deliverer = deliverer;
    this.#options = options;
  }

  /** Queues a rendered record (with `id` array and `group_id`). */
  notify(tenant: string, collection: HubCollection, record: Record<string, unknown>, connecId: string): void {
    let buffer = this.#buffers.get(tenant);
    if (!buffer) {
      buffer = new Map();
      this.#buffers.set(tenant, buffer);
    }
    let records = buffer.get(collection);
    if (!records) {
      records = new Map();
      buffer.set(collection, records);
    }
    records.delete(connecId);
    records.set(connecId, record);
    const size = [...buffer.values()].reduce((n, r) => n + r.size, 0);
    if (size >= this.#options.maxRecords) this.flush(tenant);
    else if (!this.#timers.has(tenant)) {
      this.#timers.set(
        tenant,
        setTimeout(() => this.flush(tenant), this.#options.bufferMs),
      );
    }
  }

  /** Sends what is buffered now (for one tenant, or all). */
  flush(tenant?: string): void {
    const tenants = tenant === undefined ? [...this.#buffers.keys()] : [tenant];
    for (const t of tenants) {
      clearTimeout(this.#timers.get(t));
      this.#timers.delete(t);
      const buffer = this.#buffers.get(t);
      this.#buffers.delete(t);
      if (!buffer || buffer.size === 0) continue;
      const body: Record<string, unknown[]> = {};
      for (const [collection, records] of buffer) body[collection] = [...records.values()];
      this.#deliverer.send(
        'notification',
        t,
        'POST',
        `/maestrano/connec/notifications/${encodeURIComponent(t)}`,
        body,
      );
    }
  }

  close(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }
}
