import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CcQuotaExceededError } from '../../src/constantcontact/errors.ts';
import { InMemoryRateLimiter } from '../../src/constantcontact/rate-limiter.ts';
import { ManualClientClock, settle } from './manual-client-clock.ts';

function track(limiter: InMemoryRateLimiter, count: number, signal?: AbortSignal) {
  const granted: number[] = [];
  const failures: unknown[] = [];
  const done = Array.from({ length: count }, (_, i) =>
    limiter.acquire(signal).then(
      (permit) => {
        // As if CC answered at once.
        permit.release();
        granted.push(i);
      },
      (error: unknown) => {
        failures.push(error);
      },
    ),
  );
  return { granted, failures, done };
}

describe('InMemoryRateLimiter', () => {
  it('grants perSecond at once and queues the rest instead of failing them', async () => {
    const clock = new ManualClientClock();
    const limiter = new InMemoryRateLimiter({ perSecond: 4, safetyMarginMs: 0, clock });
    const calls = track(limiter, 10);
    await settle();
    assert.deepEqual(calls.granted, [0, 1, 2, 3]);
    assert.equal(limiter.waiting, 6);

    await clock.advance(999);
    assert.equal(calls.granted.length, 4, 'no grant before the window has passed');
    await clock.advance(1);
    assert.deepEqual(calls.granted, [0, 1, 2, 3, 4, 5, 6, 7]);
    await clock.advance(1000);
    await Promise.all(calls.done);
    assert.deepEqual(calls.granted, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 'first come, first served');
    assert.deepEqual(calls.failures, []);
  });

  it('never grants more than perSecond in any window, margin included', async () => {
    const clock = new ManualClientClock();
    const limiter = new InMemoryRateLimiter({ perSecond: 3, safetyMarginMs: 100, clock });
    const grantTimes: number[] = [];
    const all = Array.from({ length: 12 }, () =>
      limiter.acquire().then((permit) => {
        grantTimes.push(clock.now());
        permit.release();
      }),
    );
    await settle();
    for (let i = 0; i < 70; i++) await clock.advance(50);
    await Promise.all(all);
    for (const t of grantTimes) {
      const inWindow = grantTimes.filter((u) => u > t - 1100 && u <= t).length;
      assert.ok(inWindow <= 3, `${inWindow} grants in the window ending at ${t}`);
    }
    assert.equal(grantTimes.at(-1)! - grantTimes[0]!, 3 * 1100);
  });

  it('refuses with CcQuotaExceededError carrying the next 00:00 UTC once the day is spent', async () => {
    const clock = new ManualClientClock('2026-03-10T23:59:58.000Z');
    const limiter = new InMemoryRateLimiter({ perSecond: 100, perDay: 3, clock });
    const calls = track(limiter, 5);
    await Promise.all(calls.done);
    assert.equal(calls.granted.length, 3);
    assert.equal(calls.failures.length, 2);
    for (const failure of calls.failures) {
      assert.ok(failure instanceof CcQuotaExceededError);
      assert.equal(failure.resetAt.toISOString(), '2026-03-11T00:00:00.000Z');
    }
    assert.equal(await limiter.usedToday(), 3, 'the budget reading says the day is spent');
    assert.equal(limiter.limit, 3);
    await clock.advance(2000);
    (await limiter.acquire()).release();
    assert.equal(await limiter.usedToday(), 1, 'a new UTC day starts a new budget');
  });

  it('honours blockUntil from a quota_exceeded answer', async () => {
    const clock = new ManualClientClock('2026-03-10T10:00:00.000Z');
    const limiter = new InMemoryRateLimiter({ clock });
    limiter.blockUntil(new Date('2026-03-11T00:00:00.000Z'));
    await assert.rejects(limiter.acquire(), (e: unknown) => {
      assert.ok(e instanceof CcQuotaExceededError);
      assert.equal(e.resetAt.toISOString(), '2026-03-11T00:00:00.000Z');
      return true;
    });
    clock.advance(14 * 3600_000);
    await limiter.acquire();
  });

  it('counts the window from the answer: a slow request holds its slot until a second after it returns', async () => {
    const clock = new ManualClientClock();
    const limiter = new InMemoryRateLimiter({ perSecond: 1, safetyMarginMs: 0, clock });
    const slow = await limiter.acquire();
    let granted = false;
    const next = limiter.acquire().then((permit) => {
      granted = true;
      permit.release();
    });
    await clock.advance(1500);
    assert.equal(granted, false, 'a request still in flight keeps its slot');
    slow.release();
    await clock.advance(999);
    assert.equal(granted, false, 'CC may have counted it as late as its answer');
    await clock.advance(1);
    await next;
    assert.equal(granted, true);
  });

  it('drops an aborted waiter from the queue without granting it', async () => {
    const clock = new ManualClientClock();
    const limiter = new InMemoryRateLimiter({ perSecond: 1, safetyMarginMs: 0, clock });
    (await limiter.acquire()).release();
    const controller = new AbortController();
    const aborted = limiter.acquire(controller.signal);
    const next = limiter.acquire();
    controller.abort(new Error('caller gave up'));
    await assert.rejects(aborted, /caller gave up/);
    assert.equal(limiter.waiting, 1);
    await clock.advance(1000);
    await next;
    assert.equal(limiter.grantedToday, 2);
  });
});
