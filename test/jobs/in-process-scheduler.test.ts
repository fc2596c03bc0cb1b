import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { budgetAwarePlanning, DEFAULT_POLL_COST } from '../../src/jobs/budget-aware-planning.ts';
import { createInProcessScheduler } from '../../src/jobs/in-process-scheduler.ts';
import type { PollPlanning } from '../../src/jobs/poll-planning.ts';
import type { SyncRun } from '../../src/model/sync-run.ts';
import { ManualTimers } from '../helpers/manual-timers.ts';
import { type SyncHarness, startSyncHarness } from '../helpers/sync-harness.ts';

describe('in-process scheduler', () => {
  let h: SyncHarness;
  before(async () => {
    h = await startSyncHarness();
  });
  after(async () => {
    await h.close();
  });

  const runs = async () => h.repos.syncRuns.listRecent(h.organization.id, 100);

  it('turns a burst of notifications into one run, after a quiet period', async () => {
    const timers = new ManualTimers();
    const scheduler = createInProcessScheduler(h.engine, { debounceMs: 5_000, timers });
    const before = (await runs()).length;
    h.app.create('people', {
      first_name: 'Burst',
      last_name: 'One',
      email: { address: 'burst1@example.com' },
      is_customer: true,
    });
    for (let i = 0; i < 5; i++) {
      scheduler.notify(h.organization.id);
      await timers.advance(4_000);
    }
    assert.equal((await runs()).length, before, 'no run while the notifications keep coming');
    await timers.advance(1_000);
    await scheduler.idle();
    const after = await runs();
    assert.equal(after.length - before, 1);
    assert.equal(after[0]?.trigger, 'notification');
    assert.ok(h.ccAccount.contact('burst1@example.com'), 'the notified change was shared');
    await scheduler.stop();
  });

  it('runs again right after a run when asked while it was running', async () => {
    const scheduler = createInProcessScheduler(h.engine);
    const before = (await runs()).length;
    scheduler.request(h.organization.id, 'manual');
    scheduler.request(h.organization.id, 'manual');
    scheduler.request(h.organization.id, 'manual');
    await scheduler.idle();
    assert.equal((await runs()).length - before, 2, 'one run, then one more for the requests made meanwhile');
    await scheduler.stop();
  });

  it('lets only one process run an organization at a time', async () => {
    const first = createInProcessScheduler(h.engine);
    const second = createInProcessScheduler(h.engine);
    const [a, b] = await Promise.all([
      first.runNow(h.organization.id, 'manual'),
      second.runNow(h.organization.id, 'manual'),
    ]);
    assert.equal([a, b].filter((r) => r === null).length, 1, 'the second finds the lease taken');
    assert.equal([a, b].find((r) => r !== null)?.status, 'succeeded');
    // The lease is released after the run: the next run goes.
    assert.equal((await second.runNow(h.organization.id, 'manual'))?.status, 'succeeded');
  });

  it('recovers the lease of a process that died, and marks its run as abandoned', async () => {
    const { organizations, syncRuns } = h.repos;
    assert.equal(await organizations.acquireLease(h.organization.id, 'dead-process', 1), true);
    const orphan = await syncRuns.start(h.organization.id, 'schedule');
    await new Promise((r) => setTimeout(r, 10));
    const scheduler = createInProcessScheduler(h.engine);
    const run = await scheduler.runNow(h.organization.id, 'manual');
    assert.equal(run?.status, 'succeeded');
    const abandoned = await syncRuns.get(orphan.id);
    assert.equal(abandoned.status, 'failed');
    assert.equal(abandoned.error?.code, 'RUN_ABANDONED');
  });

  it('stops a running run when the organization is cancelled', async () => {
    for (let i = 0; i < 30; i++) {
      h.app.create('people', {
        first_name: `Many${i}`,
        last_name: 'X',
        email: { address: `many${i}@example.com` },
        is_customer: true,
      });
    }
    // Cancelled once it is under way: after its first page of hub records.
    let started: () => void = () => {};
    const underWay = new Promise<void>((resolve) => {
      started = resolve;
    });
    const engine = {
      ...h.engine,
      options: { ...h.engine.options, hubPageSize: 5 },
      connecFor: (...args: Parameters<typeof h.engine.connecFor>) => {
        const client = h.engine.connecFor(...args);
        const page = client.page.bind(client);
        client.page = async <C extends string>(...pageArgs: Parameters<typeof page<C>>) => {
          const answer = await page<C>(...pageArgs);
          started();
          return answer;
        };
        return client;
      },
    };
    const scheduler = createInProcessScheduler(engine);
    scheduler.request(h.organization.id, 'manual');
    await underWay;
    await scheduler.cancel(h.organization.id);
    const [last] = await runs();
    assert.equal(last?.status, 'cancelled');
    assert.equal(await h.repos.syncRuns.findRunning(h.organization.id), null);
    await scheduler.idle();
  });

  it('runs linked organizations on schedule, once per interval', async () => {
    const timers = new ManualTimers();
    const intervalMs = 15 * 60_000;
    const scheduler = createInProcessScheduler(h.engine, { intervalMs, tickMs: 30_000, timers });
    const before = (await runs()).length;
    const ran = async () => (await runs()).length - before;
    scheduler.start();
    await timers.advance(0);
    await scheduler.idle();
    // The organization's first run comes within the first interval (organizations are spread over it).
    for (let waited = 0; (await ran()) === 0; waited += 30_000) {
      assert.ok(waited <= intervalMs, 'a run within the first interval');
      await timers.advance(30_000);
      await scheduler.idle();
    }
    assert.equal((await runs())[0]?.trigger, 'schedule');
    await timers.advance(intervalMs - 30_000);
    await scheduler.idle();
    assert.equal(await ran(), 1, 'not again within the interval');
    await timers.advance(30_000);
    await scheduler.idle();
    assert.equal(await ran(), 2, 'again once the interval passed');
    await scheduler.stop();
    assert.equal(timers.pending, 0, 'stop clears every timer');
  });
});

describe('in-process scheduler housekeeping', () => {
  it('does the housekeeping at every tick, even once the daily quota stops the schedule, and not after stop', async () => {
    const h = await startSyncHarness({ ccDailyQuota: 1 });
    try {
      const timers = new ManualTimers();
      let swept = 0;
      const scheduler = createInProcessScheduler(h.engine, {
        tickMs: 30_000,
        timers,
        housekeeping: async () => {
          swept += 1;
        },
      });
      scheduler.start();
      await timers.advance(0);
      assert.equal(swept, 1, 'at once on start');
      const spent = await scheduler.runNow(h.organization.id, 'manual');
      assert.equal(spent?.error?.code, 'CC_QUOTA_EXCEEDED', 'the schedule now waits for the reset');
      await timers.advance(90_000);
      await scheduler.idle();
      assert.equal(swept, 4, 'each tick, whatever the budget');
      await scheduler.stop();
      await timers.advance(90_000);
      assert.equal(swept, 4);
    } finally {
      await h.close();
    }
  });
});

describe('in-process scheduler on a bad day', () => {
  it('stops scheduling runs once the daily quota is spent', async () => {
    const h = await startSyncHarness({ ccDailyQuota: 1 });
    try {
      const timers = new ManualTimers();
      const scheduler = createInProcessScheduler(h.engine, { intervalMs: 60_000, tickMs: 30_000, timers });
      const first = await scheduler.runNow(h.organization.id, 'manual');
      assert.equal(first?.error?.code, 'CC_QUOTA_EXCEEDED');
      scheduler.start();
      await timers.advance(60 * 60_000);
      await scheduler.idle();
      await scheduler.stop();
      assert.equal(
        (await h.repos.syncRuns.listRecent(h.organization.id, 10)).length,
        1,
        'no run was scheduled',
      );
    } finally {
      await h.close();
    }
  });

  it('waits for a user to connect again when CC no longer accepts the authorization', async () => {
    const h = await startSyncHarness();
    try {
      await h.repos.organizations.saveTokens(h.organization.id, {
        accessToken: 'revoked',
        refreshToken: 'revoked',
        expiresAt: new Date(Date.now() - 1000).toISOString(),
      });
      const timers = new ManualTimers();
      const scheduler = createInProcessScheduler(h.engine, { intervalMs: 60_000, tickMs: 30_000, timers });
      const first = await scheduler.runNow(h.organization.id, 'manual');
      assert.equal(first?.error?.code, 'CC_NEEDS_RECONNECT');
      assert.equal(scheduler.needsReconnect(h.organization.id), true);
      scheduler.start();
      await timers.advance(60 * 60_000);
      await scheduler.idle();
      await scheduler.stop();
      assert.equal(
        (await h.repos.syncRuns.listRecent(h.organization.id, 10)).length,
        1,
        'no run was scheduled',
      );
    } finally {
      await h.close();
    }
  });

  it('keeps waiting after a restart: the refusal is recorded on the organization with its reason', async () => {
    const h = await startSyncHarness();
    try {
      await h.repos.organizations.saveTokens(h.organization.id, {
        accessToken: 'superseded',
        refreshToken: 'superseded',
        expiresAt: new Date(Date.now() - 1000).toISOString(),
      });
      const first = createInProcessScheduler(h.engine, { intervalMs: 60_000, tickMs: 30_000 });
      assert.equal((await first.runNow(h.organization.id, 'manual'))?.error?.code, 'CC_NEEDS_RECONNECT');
      await first.stop();
      const marked = await h.repos.organizations.get(h.organization.id);
      assert.match(marked.needsReconnect?.reason ?? '', /reconnect to share again/);

      // A new process knows nothing of the first one's memory, only what the database says.
      const timers = new ManualTimers();
      const restarted = createInProcessScheduler(h.engine, { intervalMs: 60_000, tickMs: 30_000, timers });
      restarted.start();
      await timers.advance(60 * 60_000);
      await restarted.idle();
      await restarted.stop();
      assert.equal(
        (await h.repos.syncRuns.listRecent(h.organization.id, 10)).length,
        1,
        'no run was scheduled',
      );
    } finally {
      await h.close();
    }
  });
});

describe('in-process scheduler with the budget-aware planner', () => {
  it('polls what the planner grants, asks it at most once a minute, and reports each run back', async () => {
    const h = await startSyncHarness();
    try {
      const planner = budgetAwarePlanning({
        repos: h.repos,
        budget: h.engine.cc.rateLimiter,
        reserveShare: 0.25,
        bounds: { minMs: 15 * 60_000, maxMs: 24 * 60 * 60_000 },
      });
      let asked = 0;
      const granted: string[][] = [];
      let reported: (run: SyncRun) => void = () => {};
      const firstReport = new Promise<SyncRun>((resolve) => {
        reported = resolve;
      });
      const planning: PollPlanning = {
        chunkCalls: planner.chunkCalls,
        async due(now) {
          asked++;
          granted.push(await planner.due(now));
          return granted.at(-1)!;
        },
        async runFinished(run) {
          await planner.runFinished(run);
          reported(run);
        },
      };
      const timers = new ManualTimers();
      const scheduler = createInProcessScheduler(h.engine, { tickMs: 10_000, timers }, planning);
      scheduler.start();
      await timers.advance(0);
      const run = await firstReport;
      assert.deepEqual(granted, [[h.organization.id]], 'a newly linked organization is polled first');
      assert.equal(run.trigger, 'schedule');
      await timers.advance(50_000);
      await scheduler.idle();
      await scheduler.stop();

      assert.equal(asked, 1, 'ticks within the minute do not ask the planner again');
      const runs = await h.repos.syncRuns.listRecent(h.organization.id, 10);
      assert.deepEqual(
        runs.map((r) => [r.trigger, r.status]),
        [['schedule', 'succeeded']],
      );
      const state = await h.repos.pollStates.get(h.organization.id);
      assert.equal(state?.callsInFlight, 0, 'the run was reported to the planner');
      assert.equal(state?.pollCallsToday, DEFAULT_POLL_COST.estimatedCalls);
      assert.ok(state?.lastPolledAt !== null);
    } finally {
      await h.close();
    }
  });
});
