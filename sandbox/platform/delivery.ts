import type { Clock } from '../shared/clock.ts';

export interface DeliveryAttempt {
  at: string;
  /** The connector's HTTP status; absent when the request failed without an answer. */
  status?: number;
  error?: string;
}

/** One call the platform makes on the connector, with every attempt. */
export interface Delivery {
  id: number;
  kind: 'notification' | 'account';
  tenant: string;
  method: 'POST' | 'DELETE';
  /** Path on the connector, e.g. `/maestrano/connec/notifications/acme`. */
  path: string;
  body?: unknown;
  state: 'waiting-for-connector' | 'pending' | 'delivered' | 'failed';
  attempts: DeliveryAttempt[];
}

export interface RetryPolicy {
  /** Delay before the second attempt; each further one waits twice as long. */
  retryBaseMs: number;
  maxAttempts: number;
  timeoutMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retryBaseMs: 1000, maxAttempts: 6, timeoutMs: 10_000 };

interface DelivererOptions {
  clock: Clock;
  policy: RetryPolicy;
  credentials: (tenant: string) => { apiId: string; apiKey: string };
}

/**
 * Sends the platform's calls to the connector (HTTP Basic with the tenant's API id/key), retrying with
 * exponential back-off until a 2xx. Calls made before the connector's URL is known wait for it, since the
 * connector usually starts after the sandbox.
 */
export class Deliverer {
  readonly log: Delivery[] = [];
  #connectorUrl: string | null = null;
  readonly #options: DelivererOptions;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #closed = false;
  #nextId = 1;

  constructor(options: DelivererOptions) {
    this.#options = options;
  }

  get connectorUrl(): string | null {
    return this.#connectorUrl;
  }

  set connectorUrl(url: string | null) {
    this.#connectorUrl = url ? url.replace(/\/+$/, '') : null;
    if (this.#connectorUrl) {
      for (const delivery of this.log) if (delivery.state === 'waiting-for-connector') this.#start(delivery);
    }
  }

  send(
    kind: Delivery['kind'],
    tenant: string,
    method: Delivery['method'],
    path: string,
    body?: unknown,
  ): Delivery {
    const delivery: Delivery = {
      id: this.#nextId++,
      kind,
      tenant,
      method,
      path,
      state: 'waiting-for-connector',
      attempts: [],
    };
    if (body !== undefined) delivery.body = body;
    this.log.push(delivery);
    if (this.#connectorUrl) this.#start(delivery);
    return delivery;
  }

  /** Resolves once every delivery that can proceed has been delivered or has given up. */
  async whenIdle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight]);
  }

  close(): void {
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  #start(delivery: Delivery): void {
    delivery.state = 'pending';
    const run = this.#run(delivery).finally(() => this.#inFlight.delete(run));
    this.#inFlight.add(run);
  }

  async #run(delivery: Delivery): Promise<void> {
    const { policy, clock, credentials } = this.#options;
    for (let attempt = 1; attempt <= policy.maxAttempts && !this.#closed; attempt++) {
      if (attempt > 1) await this.#sleep(policy.retryBaseMs * 2 ** (attempt - 2));
      if (this.#closed) break;
      const { apiId, apiKey } = credentials(delivery.tenant);
      const record: DeliveryAttempt = { at: clock.now().toISOString() };
      try {
        const response = await fetch(`${this.#connectorUrl}${delivery.path}`, {
          method: delivery.method,
          headers: {
            authorization: `Basic ${Buffer.from(`${apiId}:${apiKey}`).toString('base64')}`,
            ...(delivery.body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(delivery.body === undefined ? {} : { body: JSON.stringify(delivery.body) }),
          signal: AbortSignal.timeout(policy.timeoutMs),
        });
        await response.arrayBuffer();
        record.status = response.status;
        delivery.attempts.push(record);
        if (response.ok) {
          delivery.state = 'delivered';
          return;
        }
      } catch (error) {
        record.error =
          error instanceof Error
            ? error.cause instanceof Error
              ? error.cause.message
              : error.message
            : String(error);
        delivery.attempts.push(record);
      }
    }
    delivery.state = 'failed';
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        resolve();
      }, ms);
      this.#timers.add(timer);
    });
  }
}
