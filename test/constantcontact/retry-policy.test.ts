import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  CcConflictError,
  CcRateLimitedError,
  CcTimeoutError,
  CcUnavailableError,
} from '../../src/constantcontact/errors.ts';
import {
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  type RetryPolicy,
  retryDelay,
  THROTTLE_WINDOW_MS,
  withRetry,
} from '../../src/constantcontact/retry-policy.ts';
import { ManualClientClock, settle } from './manual-client-clock.ts';

const policy: RetryPolicy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000 };
const context = { method: 'GET', path: '/v3/contacts' };

describe('backoffDelay', () => {
  it('doubles the ceiling per retry, caps it, and jitters within its upper half', () => {
    assert.equal(
      backoffDelay(1, policy, () => 0),
      50,
    );
    assert.equal(
      backoffDelay(1, policy, () => 1),
      100,
    );
    assert.equal(
      backoffDelay(2, policy, () => 1),
      200,
    );
    assert.equal(
      backoffDelay(3, policy, () => 0),
      200,
    );
    assert.equal(
      backoffDelay(10, policy, () => 1),
      1000,
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 1, noNaN: true }), (retry, r) => {
        const ceiling = Math.min(1000, 100 * 2 ** (retry - 1));
        const delay = backoffDelay(retry, policy, () => r);
        return delay >= Math.floor(ceiling / 2) && delay <= ceiling;
      }),
    );
  });

  it('waits at least what Retry-After asks on throttled answers, within the cap', () => {
    assert.equal(
      retryDelay(new CcRateLimitedError(context, 700), 1, policy, () => 0),
      700,
    );
    assert.equal(
      retryDelay(new CcRateLimitedError(context, 60_000), 1, policy, () => 0),
      1000,
    );
    assert.equal(
      retryDelay(new CcUnavailableError('HTTP 503', context), 1, policy, () => 0),
      50,
    );
  });

  it('waits at least one throttle window on a throttled answer without Retry-After, as CC sends', () => {
    const noHint = new CcRateLimitedError(context);
    assert.equal(
      retryDelay(noHint, 1, DEFAULT_RETRY_POLICY, () => 0),
      THROTTLE_WINDOW_MS,
    );
    assert.equal(
      retryDelay(noHint, 3, DEFAULT_RETRY_POLICY, () => 1),
      2000,
      'longer back-off wins',
    );
    assert.equal(
      retryDelay(noHint, 1, policy, () => 0),
      1000,
    );
    assert.equal(
      retryDelay(noHint, 1, { ...policy, maxDelayMs: 300 }, () => 0),
      300,
      'never past the cap',
    );
  });
});

describe('withRetry', () => {
  it('retries 5xx, timeouts and throttling, then succeeds', async () => {
    const clock = new ManualClientClock(0);
    const failures = [
      new CcUnavailableError('HTTP 503', context),
      new CcTimeoutError(10, context),
      new CcRateLimitedError(context),
    ];
    const attempts: number[] = [];
    const result = withRetry(
      async (n) => {
        attempts.push(n);
        const failure = failures.shift();
        if (failure) throw failure;
        return 'ok';
      },
      { policy, clock, random: () => 1 },
    );
    await settle();
    // The throttled third attempt waits a whole throttle window (1,000 ms), not its 400 ms back-off.
    await clock.advance(100 + 200 + 999);
    assert.equal(attempts.length, 3);
    await clock.advance(1);
    assert.equal(await result, 'ok');
    assert.deepEqual(attempts, [1, 2, 3, 4]);
  });

  it('gives up after maxAttempts with the typed error saying how many attempts ran', async () => {
    const clock = new ManualClientClock(0);
    let calls = 0;
    const result = withRetry(
      async () => {
        calls += 1;
        throw new CcUnavailableError('HTTP 500', context, { status: 500 });
      },
      { policy, clock, random: () => 0 },
    );
    const settled = result.then(
      () => assert.fail('should fail'),
      (e: unknown) => e,
    );
    await settle();
    await clock.advance(10_000);
    const error = await settled;
    assert.equal(calls, 4);
    assert.ok(error instanceof CcUnavailableError);
    assert.equal(error.attempts, 4);
    assert.equal(error.code, 'CC_UNAVAILABLE');
    assert.ok(error.cause instanceof CcUnavailableError);
  });

  it('waits out throttled answers without spending the attempts meant for failures', async () => {
    const clock = new ManualClientClock(0);
    // Three throttles, then two 5xx: with 4 attempts in all, only the 5xx count against them.
    const failures = [
      new CcRateLimitedError(context),
      new CcRateLimitedError(context),
      new CcRateLimitedError(context),
      new CcUnavailableError('HTTP 503', context),
      new CcUnavailableError('HTTP 503', context),
    ];
    let calls = 0;
    const result = withRetry(
      async () => {
        calls += 1;
        const failure = failures.shift();
        if (failure) throw failure;
        return 'ok';
      },
      { policy, clock, random: () => 0 },
    );
    await settle();
    await clock.advance(10_000);
    assert.equal(await result, 'ok');
    assert.equal(calls, 6);
  });

  it('gives up on throttling after maxThrottledRetries with CC_RATE_LIMITED', async () => {
    const clock = new ManualClientClock(0);
    let calls = 0;
    const settled = withRetry(
      async () => {
        calls += 1;
        throw new CcRateLimitedError(context);
      },
      { policy: { ...policy, maxThrottledRetries: 2 }, clock, random: () => 0 },
    ).then(
      () => assert.fail('should fail'),
      (e: unknown) => e,
    );
    await settle();
    await clock.advance(10_000);
    const error = await settled;
    assert.ok(error instanceof CcRateLimitedError);
    assert.equal(error.attempts, 3, 'the first attempt and two throttled retries');
    assert.equal(calls, 3);
  });

  it('does not retry other errors', async () => {
    let calls = 0;
    await assert.rejects(
      withRetry(
        async () => {
          calls += 1;
          throw new CcConflictError([{ error_key: 'contacts.api.conflict', error_message: 'taken' }]);
        },
        { policy, clock: new ManualClientClock(0) },
      ),
      CcConflictError,
    );
    assert.equal(calls, 1);
  });
});
