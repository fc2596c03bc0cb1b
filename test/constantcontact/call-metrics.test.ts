import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CcCallEnd } from '../../src/constantcontact/call-metrics.ts';
import { CcTimeoutError, CcUnavailableError } from '../../src/constantcontact/errors.ts';
import { fetchWithTimeout } from '../../src/constantcontact/fetch-with-timeout.ts';

const context = { method: 'GET', path: '/v3/contacts' } as const;

/** Sends one call through `fetchWithTimeout` with `fetch` and returns how the metrics were told it ended. */
async function endsOf(
  fetch: typeof globalThis.fetch,
  options: { signal?: AbortSignal; timeoutMs?: number } = {},
) {
  const ends: CcCallEnd[] = [];
  const outcome = await fetchWithTimeout(
    'http://cc.invalid/v3/contacts',
    {},
    {
      timeoutMs: options.timeoutMs ?? 5_000,
      context,
      fetch,
      signal: options.signal,
      metrics: { ccCallEnded: (end) => ends.push(end) },
    },
  ).then(
    (response) => response,
    (error: unknown) => error,
  );
  return { ends, outcome };
}

/** A CC that never answers: the request ends only when its signal aborts. */
const hangingFetch: typeof fetch = (_url, init) =>
  new Promise((_resolve, reject) => {
    // The timeout's own timer does not keep the process alive; this one does, until the abort.
    const keepAlive = setTimeout(() => {}, 60_000);
    init?.signal?.addEventListener('abort', () => {
      clearTimeout(keepAlive);
      reject(init.signal?.reason);
    });
  });

describe('every call to Constant Contact is counted once, by how it ended', () => {
  it('by its HTTP status when CC answered', async () => {
    const { ends } = await endsOf(async () => new Response('{}', { status: 429 }));
    assert.deepEqual(ends, [429]);
  });

  it('as a network error when the connection failed', async () => {
    const { ends, outcome } = await endsOf(async () => {
      throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
    });
    assert.ok(outcome instanceof CcUnavailableError);
    assert.deepEqual(ends, ['network_error']);
  });

  it('as a timeout when no answer came in time', async () => {
    const { ends, outcome } = await endsOf(hangingFetch, { timeoutMs: 10 });
    assert.ok(outcome instanceof CcTimeoutError);
    assert.deepEqual(ends, ['timeout']);
  });

  it('as aborted when the run stopped while waiting', async () => {
    const stop = new AbortController();
    const { ends } = await endsOf(
      (_url, init) =>
        new Promise((_resolve, reject) => {
          init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
          stop.abort(new Error('stopping'));
        }),
      { signal: stop.signal },
    );
    assert.deepEqual(ends, ['aborted']);
  });

  it('once, by its status, when the answer came but its body did not', async () => {
    const body = new ReadableStream({
      start(controller) {
        controller.error(new Error('connection reset mid-body'));
      },
    });
    const { ends, outcome } = await endsOf(async () => new Response(body, { status: 200 }));
    assert.ok(outcome instanceof CcUnavailableError);
    assert.deepEqual(ends, [200]);
  });
});
