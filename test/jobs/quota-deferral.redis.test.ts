import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../../sandbox/shared/clock.ts';
import { abortableSleep } from '../../src/abortable-sleep.ts';
import { RedisRateLimiter } from '../../src/constantcontact/redis-rate-limiter.ts';
import { createQueueScheduler, type QueueScheduler } from '../../src/jobs/queue-scheduler.ts';
import { createLogger } from '../../src/logger.ts';
import type { SharedRedis } from '../../src/redis/redis-connection.ts';
import { testRedis } from '../helpers/redis.ts';
import { type SyncHarness, startSyncHarness } from '../helpers/sync-harness.ts';

/** Real time from a chosen moment, which the test can move forward (to the edge of a UTC day). */
class SimulatedClock implements Clock {
  #offset: number;
  constructor(at: string) {
    this.#offset = Date.parse(at) - Date.now();
  }
  now(): Date {
    return new Date(Date.now() + this.#offset);
  }
  set(at: string): void {
    this.#offset = Date.parse(at) - Date.now();
  }
}

const DAILY_LIMIT = 300;

describe('a day whose CC budget runs out (scale-out)', () => {
  const clock = new SimulatedClock('2026-03-01T12:00:00.000Z');
  let h: SyncHarness;
  let redis: SharedRedis;
  let limiter: RedisRateLimiter;
  let worker: QueueScheduler;
  const runs = async () => h.repos.syncRuns.listRecent(h.organization.id, 100);
  const waitFor = async (what: string, ok: () => Promise<boolean>, ms = 60_000) => {
    const deadline = Date.now() + ms;
    while (!(await ok())) {
      if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
      await sleep(100);
    }
  };

  before(async () => {
    redis = await testRedis();
    limiter = new RedisRateLimiter({
      redis,
      perSecond: 1000,
      perDay: DAILY_LIMIT,
      clock: { now: () => clock.now().getTime(), sleep: abortableSleep },
    });
    // One call per contact (no bulk import), so 150 new people cost more than what is left of the day.
    h = await startSyncHarness({
      ccDailyQuota: DAILY_LIMIT,
      clock,
      rateLimiter: limiter,
      options: { bulkThreshold: 100_000 },
    });
    worker = createQueueScheduler({
      redis,
      repos: h.repos,
      logger: createLogger('silent'),
      engine: h.engine,
      budget: { reading: limiter, reserveShare: 0.25 },
      options: { busyRetryMs: 100, retryBaseMs: 100 },
    });
    worker.start();
  });
  after(async () => {
    await worker.close();
    await redis.close();
    await h.close();
  });

  it('keeps the reserve for priority work: polls wait once only the reserve is left, a manual run goes', async () => {
    // Other organizations spent the day down to its reserve (a quarter of 300).
    for (let i = 0; i < 0.75 * DAILY_LIMIT; i++) (await limiter.acquire()).release();
    const before = (await runs()).length;
    worker.request(h.organization.id, 'schedule');
    await sleep(500);
    assert.equal((await runs()).length, before, 'the poll waits for tomorrow');
    assert.equal((await worker.queueDepth()).delayed, 1);
    worker.request(h.organization.id, 'manual');
    await waitFor('the manual run', async () => (await runs()).length > before);
    await worker.idle();
    assert.equal((await runs())[0]?.status, 'succeeded');
  });

  it('defers work that meets the spent day, fails nothing, and resumes on the next UTC day', async () => {
    // Close to midnight, so the deferred work comes back within seconds.
    clock.set('2026-03-01T23:59:50.000Z');
    for (let i = 0; i < 150; i++) {
      h.app.create('people', {
        first_name: `Quota${i}`,
        last_name: 'Day',
        email: { address: `quota${i}@budget.example` },
        is_customer: true,
      });
    }
    const before = (await runs()).length;
    worker.request(h.organization.id, 'manual');
    await waitFor('the run to meet the spent budget', async () =>
      (await runs())
        .slice(0, (await runs()).length - before)
        .some((r) => r.error?.code === 'CC_QUOTA_EXCEEDED'),
    );
    const paused = (await runs()).find((r) => r.error?.code === 'CC_QUOTA_EXCEEDED');
    assert.equal(paused?.status, 'cancelled', 'paused, not failed');
    assert.ok(clock.now().getTime() < Date.parse('2026-03-02T00:00:00.000Z'), 'still the same day');
    assert.ok(h.ccAccount.contacts().length < 150, 'not everything went today');

    await waitFor(
      'every person shared after midnight',
      async () =>
        h.ccAccount.contacts().filter((c) => c.email_address?.address.startsWith('quota')).length === 150,
      90_000,
    );
    await worker.idle();
    const all = await runs();
    assert.equal(all.filter((r) => r.status === 'failed').length, 0, 'no run failed');
    assert.equal(all[0]?.status, 'succeeded');
    const failed = await h.repos.idMaps.page(h.organization.id, { states: ['failed'], limit: 10, offset: 0 });
    assert.equal(failed.items.length, 0, 'no record failed');
    const emails = h.ccAccount.contacts().map((c) => c.email_address?.address);
    assert.equal(new Set(emails).size, emails.length, 'no contact twice');
  });
});
