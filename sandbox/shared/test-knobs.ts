import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * Faults an emulator can be told to inject, so the connector's clients are tested against a bad day:
 * slow answers, server errors and connections dropped without an answer. All can be changed while running.
 */
export interface FaultKnobs {
  /** Added to every answer, in milliseconds. */
  latencyMs: number;
  /** Share of requests (0 to 1) answered 503 before any work is done. */
  errorRate: number;
  /** Share of requests (0 to 1) whose connection is destroyed without an answer. */
  dropRate: number;
}

export interface LoggedRequest {
  method: string;
  /** The route pattern, e.g. `GET /v3/contacts/:contact_id`, so counts group by endpoint. */
  endpoint: string;
  url: string;
  /** Whatever the emulator knows the caller by (an account id, a tenant); null when unknown. */
  account: string | null;
  status: number;
  at: string;
}

/** Every request an emulator answered, in order; benchmarks and tests count API calls with it. */
export class RequestLog {
  readonly entries: LoggedRequest[] = [];

  record(entry: LoggedRequest): void {
    this.entries.push(entry);
  }

  clear(): void {
    this.entries.length = 0;
  }

  /** Requests per endpoint, e.g. `{ 'POST /v3/contacts': 12 }`. */
  countByEndpoint(filter: (e: LoggedRequest) => boolean = () => true): Record<string, number> {
    return this.#countBy((e) => e.endpoint, filter);
  }

  countByAccount(filter: (e: LoggedRequest) => boolean = () => true): Record<string, number> {
    return this.#countBy((e) => e.account ?? '(none)', filter);
  }

  count(filter: (e: LoggedRequest) => boolean = () => true): number {
    return this.entries.filter(filter).length;
  }

  #countBy(key: (e: LoggedRequest) => string, filter: (e: LoggedRequest) => boolean): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const entry of this.entries) {
      if (!filter(entry)) continue;
      const k = key(entry);
      counts[k] = (counts[k] ?? 0) + 1;
    }
    return counts;
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by an emulator's auth step so the request log can count per account. */
    logAccount?: string | null;
  }
}

/**
 * Installs the fault knobs and the request log on an emulator. `random` is injectable so a test can make
 * faults deterministic.
 */
export function installTestKnobs(
  app: FastifyInstance,
  knobs: FaultKnobs,
  log: RequestLog,
  options: { now: () => Date; random?: () => number; skip?: (req: FastifyRequest) => boolean },
): void {
  const random = options.random ?? Math.random;
  const skip = options.skip ?? (() => false);

  app.addHook('onRequest', async (req, reply) => {
    if (skip(req)) return;
    if (knobs.latencyMs > 0) await new Promise((r) => setTimeout(r, knobs.latencyMs));
    if (knobs.dropRate > 0 && random() < knobs.dropRate) {
      req.raw.socket.destroy();
      return reply.hijack();
    }
    if (knobs.errorRate > 0 && random() < knobs.errorRate) {
      return reply
        .code(503)
        .send([{ error_key: 'server_error', error_message: 'Injected fault: service unavailable.' }]);
    }
  });

  app.addHook('onResponse', async (req, reply) => {
    if (skip(req)) return;
    log.record({
      method: req.method,
      endpoint: `${req.method} ${req.routeOptions.url ?? req.url.split('?')[0]}`,
      url: req.url,
      account: req.logAccount ?? null,
      status: reply.statusCode,
      at: options.now().toISOString(),
    });
  });
}
