import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import {
  CcQuotaExceededError,
  CcTimeoutError,
  CcUnavailableError,
} from '../../src/constantcontact/errors.ts';
import { InMemoryRateLimiter } from '../../src/constantcontact/rate-limiter.ts';
import { DEFAULT_RETRY_POLICY } from '../../src/constantcontact/retry-policy.ts';
import { type Harness, startHarness } from './harness.ts';

const SUMMARY = 'GET /v3/account/summary';

/** A fault dice that comes up "fault" for the first `n` rolls, then never. */
function faultsFirst(n: number): () => number {
  let left = n;
  return () => (left-- > 0 ? 0 : 0.99);
}

describe('limits and retries against the emulator', () => {
  let h: Harness;
  afterEach(async () => {
    h.emulator.assertConformant();
    await h.close();
  });

  it('20 concurrent calls against the 4/s limit finish with zero 429s', async () => {
    h = await startHarness({
      emulator: { ratePerSecond: 4 },
      client: { rateLimiter: new InMemoryRateLimiter() },
    });
    const started = Date.now();
    const results = await Promise.all(Array.from({ length: 20 }, () => h.api.account.getSummary([])));
    assert.equal(results.length, 20);
    const statuses = h.emulator.requestLog.entries.map((e) => e.status);
    assert.equal(statuses.filter((s) => s === 429).length, 0, `statuses: ${statuses.join(',')}`);
    assert.equal(statuses.filter((s) => s === 200).length, 20);
    assert.ok(Date.now() - started >= 4000, 'the limiter spread the calls over about 5 s');
  });

  it('a throttled call gets no Retry-After and is retried after a whole window, which then has room', async () => {
    // A limiter more generous than CC (another process shares the key): the emulator throttles, the
    // production retry policy waits, and nothing tells it how long.
    h = await startHarness({
      emulator: { ratePerSecond: 2 },
      client: { rateLimiter: new InMemoryRateLimiter({ perSecond: 100 }), retryPolicy: DEFAULT_RETRY_POLICY },
    });
    const results = await Promise.all(Array.from({ length: 4 }, () => h.api.account.getSummary([])));
    assert.equal(results.length, 4);
    const log = h.emulator.requestLog.entries.filter((e) => e.endpoint === SUMMARY);
    assert.deepEqual(
      log.map((e) => e.status).sort(),
      [200, 200, 200, 200, 429, 429],
      'each throttled call succeeded on its first retry',
    );
    const refusedAt = Math.max(...log.filter((e) => e.status === 429).map((e) => Date.parse(e.at)));
    // The retries are the last two answers: each came at least a back-off after the refusals.
    const retries = log.filter((e) => e.status === 200).slice(-2);
    for (const retry of retries) {
      const waited = Date.parse(retry.at) - refusedAt;
      // The floor is one window (1,000 ms); a little less for timer and clock granularity.
      assert.ok(waited >= 950, `retried ${waited} ms after the 429`);
    }
  });

  it('a throttled call waits its turn without spending retry attempts, even when only one is allowed', async () => {
    h = await startHarness({
      emulator: { ratePerSecond: 1 },
      client: {
        rateLimiter: new InMemoryRateLimiter({ perSecond: 100 }),
        retryPolicy: { maxAttempts: 1, baseDelayMs: 10, maxDelayMs: 1000 },
      },
    });
    const results = await Promise.all(Array.from({ length: 2 }, () => h.api.account.getSummary([])));
    assert.equal(results.length, 2);
    const statuses = h.emulator.requestLog.entries.filter((e) => e.endpoint === SUMMARY).map((e) => e.status);
    assert.deepEqual(statuses.sort(), [200, 200, 429]);
  });

  it('retries injected 5xx answers and succeeds', async () => {
    h = await startHarness({ emulator: { knobs: { errorRate: 0.5 }, random: faultsFirst(2) } });
    const summary = await h.api.account.getSummary([]);
    assert.equal(summary.organization_name, 'Acme Ltd');
    const statuses = h.emulator.requestLog.entries.filter((e) => e.endpoint === SUMMARY).map((e) => e.status);
    assert.deepEqual(statuses, [503, 503, 200]);
  });

  it('retries dropped connections and succeeds', async () => {
    h = await startHarness({ emulator: { knobs: { dropRate: 0.5 }, random: faultsFirst(2) } });
    const summary = await h.api.account.getSummary([]);
    assert.equal(summary.organization_name, 'Acme Ltd');
  });

  it('gives up after the retry cap with CC_UNAVAILABLE saying how many attempts ran', async () => {
    h = await startHarness({ emulator: { knobs: { errorRate: 1 } } });
    await assert.rejects(h.api.account.getSummary([]), (e: unknown) => {
      assert.ok(e instanceof CcUnavailableError);
      assert.equal(e.code, 'CC_UNAVAILABLE');
      assert.equal(e.attempts, 4);
      assert.equal(e.status, 503);
      return true;
    });
    assert.equal(
      h.emulator.requestLog.count((e) => e.endpoint === SUMMARY),
      4,
    );
  });

  it('gives up on dropped connections after the cap with CC_UNAVAILABLE', async () => {
    h = await startHarness({ emulator: { knobs: { dropRate: 1 } } });
    await assert.rejects(h.api.contacts.get('00000000-0000-0000-0000-000000000000'), (e: unknown) => {
      return e instanceof CcUnavailableError && e.attempts === 4 && /network error/.test(e.message);
    });
  });

  it('retries a timed-out call and succeeds', async () => {
    h = await startHarness({
      emulator: { knobs: { latencyMs: 300 } },
      client: {
        timeoutMs: 100,
        // The slowness goes away once the first attempt has timed out.
        logger: {
          warn: () => {
            h.emulator.knobs.latencyMs = 0;
          },
          debug: () => {},
        },
      },
    });
    const summary = await h.api.account.getSummary([]);
    assert.equal(summary.organization_name, 'Acme Ltd');
  });

  it('gives up on timeouts after the cap with CC_TIMEOUT', async () => {
    h = await startHarness({ emulator: { knobs: { latencyMs: 300 } }, client: { timeoutMs: 100 } });
    await assert.rejects(h.api.account.getSummary([]), (e: unknown) => {
      assert.ok(e instanceof CcTimeoutError);
      assert.equal(e.code, 'CC_TIMEOUT');
      assert.equal(e.attempts, 4);
      return true;
    });
  });

  it('quota_exceeded surfaces as CC_QUOTA_EXCEEDED with resetAt at the next 00:00 UTC, and stops sending', async () => {
    h = await startHarness({ emulator: { dailyQuota: 3 } });
    for (let i = 0; i < 3; i++) await h.api.account.getSummary([]);
    const error = await h.api.account.getSummary([]).then(
      () => assert.fail('the fourth call is over quota'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof CcQuotaExceededError);
    const now = new Date();
    const midnight = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
    assert.equal(error.resetAt.toISOString(), midnight.toISOString());
    assert.equal(
      h.emulator.requestLog.count((e) => e.status === 429),
      1,
      'no retry of a spent quota',
    );
    await assert.rejects(h.api.account.getSummary([]), CcQuotaExceededError);
    assert.equal(h.emulator.requestLog.count(), 4, 'the limiter refuses without asking CC again');
  });
});
