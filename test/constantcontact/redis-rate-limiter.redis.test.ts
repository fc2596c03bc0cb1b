import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { abortableSleep } from '../../src/abortable-sleep.ts';
import { createCcBudgetLimiter } from '../../src/constantcontact/budget-limiter.ts';
import type { ClientClock } from '../../src/constantcontact/clock.ts';
import { nextUtcMidnight } from '../../src/constantcontact/error-mapping.ts';
import { CcQuotaExceededError } from '../../src/constantcontact/errors.ts';
import { InMemoryRateLimiter, type RatePermit } from '../../src/constantcontact/rate-limiter.ts';
import {
  RedisRateLimiter,
  type RedisRateLimiterOptions,
} from '../../src/constantcontact/redis-rate-limiter.ts';
import type { SharedRedis } from '../../src/redis/redis-connection.ts';
import { testRedis } from '../helpers/redis.ts';
import { startHarness } from './harness.ts';

/** Real time that a test can move forward, shared by every "process". */
function movableClock(): ClientClock & { skip(ms: number): void } {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    sleep: abortableSleep,
    skip(ms) {
      offset += ms;
    },
  };
}

/**
 * `count` limiters as separate processes would hold them: each on its own Redis connection, all in one
 * deployment's key space.
 */
async function processes(
  count: number,
  options: Omit<RedisRateLimiterOptions, 'redis'>,
): Promise<{ limiters: RedisRateLimiter[]; close(): Promise<void> }> {
  const root = await testRedis();
  const connections: SharedRedis[] = Array.from({ length: count }, () => root.duplicate());
  return {
    limiters: connections.map((redis) => new RedisRateLimiter({ redis, ...options })),
    async close() {
      for (const connection of connections) await connection.close();
      await root.close();
    },
  };
}

/** The most grants found in any one-second window (a window starting at each grant covers every case). */
function busiestSecond(grantTimes: number[]): number {
  const sorted = [...grantTimes].sort((a, b) => a - b);
  return Math.max(...sorted.map((start) => sorted.filter((t) => t >= start && t < start + 1000).length));
}

describe('RedisRateLimiter: one CC budget for every process', () => {
  it('three processes hammering at once never get more than perSecond grants in any one second', async () => {
    const perSecond = 3;
    const { limiters, close } = await processes(3, { perSecond, perDay: 1000 });
    try {
      const grantTimes: number[] = [];
      await Promise.all(
        limiters.flatMap((limiter) =>
          Array.from({ length: 4 }, async (_, i) => {
            const permit = await limiter.acquire();
            grantTimes.push(Date.now());
            // Answers arrive after differing latencies.
            await abortableSleep(i * 10);
            permit.release();
          }),
        ),
      );
      assert.equal(grantTimes.length, 12, 'every call was granted in the end, none failed');
      const busiest = busiestSecond(grantTimes);
      assert.ok(busiest <= perSecond, `${busiest} grants fell in one second`);
      assert.equal(await limiters[0]!.usedToday(), 12, 'every process counts against one day');
    } finally {
      await close();
    }
  });

  it('stops every process at perDay with CC_QUOTA_EXCEEDED until the next UTC midnight', async () => {
    const perDay = 5;
    const { limiters, close } = await processes(3, { perSecond: 50, perDay });
    try {
      const granted: RatePermit[] = [];
      const refused: unknown[] = [];
      await Promise.all(
        limiters.flatMap((limiter) =>
          Array.from({ length: 4 }, () =>
            limiter.acquire().then(
              (permit) => {
                granted.push(permit);
                permit.release();
              },
              (error: unknown) => refused.push(error),
            ),
          ),
        ),
      );
      assert.equal(granted.length, perDay);
      assert.equal(refused.length, 12 - perDay);
      const midnight = nextUtcMidnight(new Date()).toISOString();
      for (const error of refused) {
        assert.ok(error instanceof CcQuotaExceededError);
        assert.equal(error.resetAt.toISOString(), midnight);
      }
      for (const limiter of limiters) {
        await assert.rejects(limiter.acquire(), CcQuotaExceededError, 'each process sees the spent day');
        assert.equal(await limiter.usedToday(), perDay);
        assert.equal(limiter.limit, perDay);
      }
    } finally {
      await close();
    }
  });

  it("a block set by one process (CC's quota_exceeded) stops the others until it passes", async () => {
    const clock = movableClock();
    const { limiters, close } = await processes(3, { perSecond: 10, perDay: 1000, clock });
    const [blocker, other, third] = limiters as [RedisRateLimiter, RedisRateLimiter, RedisRateLimiter];
    try {
      const resetAt = new Date(clock.now() + 60_000);
      await blocker.blockUntil(resetAt);
      for (const limiter of [other, third]) {
        await assert.rejects(limiter.acquire(), (e: unknown) => {
          assert.ok(e instanceof CcQuotaExceededError);
          assert.equal(e.resetAt.toISOString(), resetAt.toISOString());
          return true;
        });
      }
      await other.blockUntil(new Date(clock.now() + 1000));
      clock.skip(2000);
      await assert.rejects(
        third.acquire(),
        CcQuotaExceededError,
        'an earlier reset does not shorten a block',
      );

      clock.skip(60_000);
      const permit = await other.acquire();
      permit.release();
      assert.equal(await third.usedToday(), 1);
    } finally {
      await close();
    }
  });

  it('a caller waiting for a slot that aborts is rejected with the signal reason and spends nothing', async () => {
    const { limiters, close } = await processes(2, { perSecond: 1, perDay: 1000 });
    const [holder, waiter] = limiters as [RedisRateLimiter, RedisRateLimiter];
    try {
      const held = await holder.acquire();
      const cancel = new AbortController();
      const waiting = waiter.acquire(cancel.signal);
      await abortableSleep(100);
      assert.equal(waiter.waiting, 1, 'the only slot is in flight elsewhere: the caller waits');
      const reason = new Error('run cancelled');
      cancel.abort(reason);
      await assert.rejects(waiting, (e: unknown) => e === reason);
      assert.equal(waiter.waiting, 0);

      held.release();
      const next = await waiter.acquire();
      next.release();
      assert.equal(await holder.usedToday(), 2, 'the aborted wait took no request from the day');
    } finally {
      await close();
    }
  });

  it("CC's quota_exceeded answer to one process's client blocks the other processes", async () => {
    const redis = await testRedis();
    const other = redis.duplicate();
    const h = await startHarness({
      emulator: { dailyQuota: 1 },
      client: { rateLimiter: new RedisRateLimiter({ redis, perSecond: 10, perDay: 1000 }) },
    });
    try {
      await h.api.account.getSummary([]);
      await assert.rejects(h.api.account.getSummary([]), CcQuotaExceededError);
      const elsewhere = new RedisRateLimiter({ redis: other, perSecond: 10, perDay: 1000 });
      await assert.rejects(elsewhere.acquire(), (e: unknown) => {
        assert.ok(e instanceof CcQuotaExceededError);
        assert.equal(e.resetAt.toISOString(), nextUtcMidnight(new Date()).toISOString());
        return true;
      });
      h.emulator.assertConformant();
    } finally {
      await h.close();
      await other.close();
      await redis.close();
    }
  });

  it('is what the configured budget builds in scale-out; one process alone keeps it in memory', async () => {
    const redis = await testRedis();
    try {
      const budget = { perSecond: 2, perDay: 40 };
      const shared = createCcBudgetLimiter(budget, { redis });
      assert.ok(shared instanceof RedisRateLimiter);
      assert.equal(shared.limit, 40);
      const alone = createCcBudgetLimiter(budget);
      assert.ok(alone instanceof InMemoryRateLimiter);
      assert.equal(alone.limit, 40);
    } finally {
      await redis.close();
    }
  });

  describe('a throttled 429 (another application instance over the limit)', () => {
    let redis: SharedRedis;
    before(async () => {
      redis = await testRedis();
    });
    after(async () => {
      await redis.close();
    });

    it('is waited out through the limiter without spending the retry attempts', async () => {
      // The shared limiter allows more than the emulator's CC does, as if something outside it spent CC's
      // second; the policy allows a single attempt, so any throttle that spent one would fail the call.
      const h = await startHarness({
        emulator: { ratePerSecond: 1 },
        client: {
          rateLimiter: new RedisRateLimiter({ redis, perSecond: 10, perDay: 1000 }),
          retryPolicy: { maxAttempts: 1, baseDelayMs: 10, maxDelayMs: 1000 },
        },
      });
      try {
        const summaries = await Promise.all(Array.from({ length: 3 }, () => h.api.account.getSummary([])));
        assert.deepEqual(
          summaries.map((s) => s.organization_name),
          ['Acme Ltd', 'Acme Ltd', 'Acme Ltd'],
        );
        const statuses = h.emulator.requestLog.entries.map((e) => e.status);
        assert.ok(statuses.filter((s) => s === 429).length >= 2, `statuses: ${statuses.join(',')}`);
        assert.equal(statuses.filter((s) => s === 200).length, 3);
        h.emulator.assertConformant();
      } finally {
        await h.close();
      }
    });
  });
});
