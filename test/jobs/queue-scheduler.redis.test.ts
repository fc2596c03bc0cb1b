import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createQueueScheduler, type QueueScheduler } from '../../src/jobs/queue-scheduler.ts';
import { createLogger } from '../../src/logger.ts';
import type { SharedRedis } from '../../src/redis/redis-connection.ts';
import { testRedis } from '../helpers/redis.ts';
import { type SyncHarness, startSyncHarness } from '../helpers/sync-harness.ts';

const logger = createLogger('silent');
const fast = { debounceMs: 100, debounceMaxMs: 400, busyRetryMs: 100, retryBaseMs: 100, planEveryMs: 60_000 };

describe('the queue scheduler (scale-out mode)', () => {
  let h: SyncHarness;
  let redis: SharedRedis;
  const schedulers: QueueScheduler[] = [];
  const worker = () => {
    const s = createQueueScheduler({ redis, repos: h.repos, logger, engine: h.engine, options: fast });
    schedulers.push(s);
    return s;
  };
  const web = () => {
    const s = createQueueScheduler({ redis, repos: h.repos, logger, options: fast });
    schedulers.push(s);
    return s;
  };
  const runs = async () => h.repos.syncRuns.listRecent(h.organization.id, 100);
  const person = (name: string) =>
    h.app.create('people', {
      first_name: name,
      last_name: 'Queue',
      email: { address: `${name.toLowerCase()}@queue.example` },
      is_customer: true,
    });

  before(async () => {
    h = await startSyncHarness();
    redis = await testRedis();
  });
  after(async () => {
    for (const s of schedulers) await s.close();
    await redis.close();
    await h.close();
  });

  it('runs what a web process queues in a worker process', async () => {
    const w = worker();
    w.start();
    const front = web();
    person('Queued');
    front.request(h.organization.id, 'manual');
    await sleep(50);
    await front.idle();
    const [last] = await runs();
    assert.equal(last?.trigger, 'manual');
    assert.equal(last?.status, 'succeeded');
    assert.ok(h.ccAccount.contact('queued@queue.example'), 'the record was shared');
  });

  it('keeps a request made while the organization runs, and runs once more after', async () => {
    const front = web();
    const before = (await runs()).length;
    for (let i = 0; i < 30; i++) person(`Busy${i}`);
    front.request(h.organization.id, 'manual');
    // Wait until the run is going, then ask three times more: one more run, not three, none dropped.
    for (let i = 0; i < 100 && !(await h.repos.syncRuns.findRunning(h.organization.id)); i++) await sleep(20);
    person('DuringRun');
    front.request(h.organization.id, 'manual');
    front.request(h.organization.id, 'schedule');
    front.request(h.organization.id, 'manual');
    await sleep(50);
    await front.idle();
    const made = (await runs()).length - before;
    assert.equal(made, 2, `one run, then one more for the requests made meanwhile (made ${made})`);
    assert.ok(h.ccAccount.contact('duringrun@queue.example'), 'the change made during the run was shared');
  });

  it('turns a burst of notifications into one run after a quiet period', async () => {
    const front = web();
    const before = (await runs()).length;
    person('Notified');
    for (let i = 0; i < 5; i++) {
      front.notify(h.organization.id);
      await sleep(20);
    }
    await sleep(300);
    await front.idle();
    const after = await runs();
    assert.equal(after.length - before, 1);
    assert.equal(after[0]?.trigger, 'notification');
    assert.ok(h.ccAccount.contact('notified@queue.example'));
  });

  it('cancels, from a web process, a run going in a worker, at its next page', async () => {
    const front = web();
    for (let i = 0; i < 60; i++) person(`Cancel${i}`);
    front.request(h.organization.id, 'manual');
    for (let i = 0; i < 100 && !(await h.repos.syncRuns.findRunning(h.organization.id)); i++) await sleep(10);
    await front.cancel(h.organization.id);
    assert.equal(await h.repos.organizations.leaseOf(h.organization.id), null, 'the run stopped');
    const [last] = await runs();
    assert.equal(last?.status, 'cancelled');
    // A new request (say, linking again) is taken again.
    front.request(h.organization.id, 'manual');
    await sleep(50);
    await front.idle();
    assert.equal((await runs())[0]?.status, 'succeeded');
  });

  it('hands the run of a stopping worker to another worker', async () => {
    const front = web();
    const first = schedulers[0]!;
    const second = worker();
    second.start();
    for (let i = 0; i < 60; i++) person(`Handover${i}`);
    front.request(h.organization.id, 'manual');
    for (let i = 0; i < 100 && !(await h.repos.syncRuns.findRunning(h.organization.id)); i++) await sleep(10);
    await first.stop();
    await sleep(50);
    await front.idle();
    const [last, previous] = await runs();
    assert.equal(last?.status, 'succeeded');
    assert.ok(h.ccAccount.contact('handover59@queue.example'));
    assert.ok(previous?.status === 'cancelled' || previous?.status === 'succeeded');
  });
});

describe('the queue scheduler housekeeping (scale-out mode)', () => {
  it('is done by one worker at a time, every interval, and never by a web process', async () => {
    const h = await startSyncHarness();
    const redis = await testRedis();
    const done: string[] = [];
    const make = (name: string, works: boolean) =>
      createQueueScheduler({
        redis,
        repos: h.repos,
        logger,
        ...(works ? { engine: h.engine } : {}),
        housekeeping: async () => {
          done.push(name);
        },
        options: { ...fast, housekeepingEveryMs: 300 },
      });
    const schedulers = [make('worker-1', true), make('worker-2', true), make('web', false)];
    try {
      for (const s of schedulers) s.start();
      await sleep(1_600);
      assert.ok(done.length >= 3 && done.length <= 7, `about once per 300 ms in all (${done.length})`);
      assert.ok(!done.includes('web'));
    } finally {
      for (const s of schedulers) await s.close();
      await redis.close();
      await h.close();
    }
  });
});
