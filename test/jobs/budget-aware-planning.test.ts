import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  budgetAwarePlanning,
  DEFAULT_POLL_COST,
  recordUserOnPage,
} from '../../src/jobs/budget-aware-planning.ts';
import { pollAllowance } from '../../src/jobs/poll-pacing.ts';
import { emptyCounts, type RunTrigger, type SyncRun } from '../../src/model/sync-run.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.ts';

const MINUTE = 60_000;
const bounds = { minMs: 15 * MINUTE, maxMs: 24 * 60 * MINUTE };
const tokens = { accessToken: 'a', refreshToken: 'r', expiresAt: '2026-03-02T09:00:00.000Z' };

/** CC's shared daily counter as the rate limiter reads it. */
function fakeBudget(limit: number, used = 0) {
  return { limit, usedToday: async () => used, blockedUntil: async () => null };
}

function finishedRun(
  organizationId: string,
  trigger: RunTrigger,
  outcome: { status?: SyncRun['status']; hubUpdates?: number; ccCalls?: number; moreWork?: boolean } = {},
): SyncRun {
  const counts = emptyCounts();
  counts.hub.updated = outcome.hubUpdates ?? 0;
  return {
    id: `run-${Math.random()}`,
    organizationId,
    trigger,
    status: outcome.status ?? 'succeeded',
    startedAt: new Date(0).toISOString(),
    finishedAt: new Date(0).toISOString(),
    counts,
    progress: null,
    error: outcome.status === 'failed' ? { code: 'CC_UNAVAILABLE', message: 'down' } : null,
    notices: [],
    ccCalls: outcome.ccCalls ?? null,
    moreWork: outcome.moreWork ?? false,
  };
}

describe('budget-aware poll planning', () => {
  let db: TestDatabase;
  let clock: number;
  before(async () => {
    db = await createTestDatabase('sqlite');
  });
  after(async () => {
    await db.drop();
  });

  /** Organizations linked for one scenario: those of the scenarios before are no longer polled. */
  async function linkedOrganizations(prefix: string, count: number): Promise<string[]> {
    for (const earlier of await db.repos.pollStates.listSyncable()) {
      await db.repos.organizations.setSyncEnabled(earlier.organizationId, false);
    }
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const org = await db.repos.organizations.upsert({
        tenant: 'maestrano',
        groupUid: `${prefix}-${i}`,
        name: `${prefix} ${i}`,
      });
      await db.repos.organizations.link(org.id, { id: `cc-${prefix}-${i}`, name: `${prefix} ${i}` }, tokens);
      ids.push(org.id);
    }
    return ids;
  }

  function planning(budget = fakeBudget(10_000), queueDepth?: () => Promise<Record<string, number>>) {
    return budgetAwarePlanning({
      repos: db.repos,
      budget,
      reserveShare: 0.25,
      bounds,
      ...(queueDepth ? { queueDepth } : {}),
      now: () => new Date(clock),
    });
  }

  async function dueAt(plan: ReturnType<typeof planning>, at: number): Promise<string[]> {
    clock = at;
    return plan.due(new Date(at));
  }

  it('polls a new organization at once, and not again while its poll runs', async () => {
    const [fresh] = await linkedOrganizations('new', 1);
    const plan = planning();
    const noon = Date.UTC(2026, 2, 2, 12);
    assert.deepEqual(await dueAt(plan, noon), [fresh]);
    assert.deepEqual(await dueAt(plan, noon + 2 * bounds.minMs), [], 'its poll has not reported yet');
    const stored = await db.repos.pollStates.get(fresh!);
    assert.equal(stored?.lastPolledAt, noon);
    assert.equal(stored?.callsInFlight, DEFAULT_POLL_COST.estimatedCalls);
  });

  it('grants a first link stopped at its chunk the rest in later chunks, counting the calls really sent', async () => {
    const [large, quiet] = await linkedOrganizations('chunked', 2);
    const plan = planning();
    const at = Date.UTC(2026, 2, 9, 12);
    assert.deepEqual((await dueAt(plan, at)).sort(), [large, quiet].sort());
    await plan.runFinished(finishedRun(quiet!, 'schedule', { ccCalls: 1 }));
    clock = at + MINUTE;
    await plan.runFinished(finishedRun(large!, 'first_link', { ccCalls: 25, moreWork: true }));
    assert.equal((await db.repos.pollStates.get(large!))?.backlog, true, 'work left is a backlog');
    assert.equal(plan.chunkCalls, DEFAULT_POLL_COST.chunkCalls);

    // Before either is due again, only the backlog is granted: a chunk, counted at the chunk's cap.
    assert.deepEqual(await dueAt(plan, at + 2 * MINUTE), [large]);
    const granted = await db.repos.pollStates.get(large!);
    assert.equal(granted?.callsInFlight, DEFAULT_POLL_COST.chunkCalls);
    const before = granted!.pollCallsToday;
    await plan.runFinished(finishedRun(large!, 'schedule', { ccCalls: 9, moreWork: true }));
    const settled = await db.repos.pollStates.get(large!);
    assert.equal(settled?.pollCallsToday, before - DEFAULT_POLL_COST.chunkCalls + 9, 'settled at 9 calls');
    assert.equal(settled?.backlog, true);

    assert.deepEqual(await dueAt(plan, at + 3 * MINUTE), [large], 'the next chunk');
    await plan.runFinished(finishedRun(large!, 'schedule', { ccCalls: 4 }));
    assert.equal((await db.repos.pollStates.get(large!))?.backlog, false, 'the last chunk ends the backlog');
    assert.deepEqual(await dueAt(plan, at + 4 * MINUTE), [], 'nothing left to grant before the interval');
    assert.equal(
      (await db.repos.pollStates.get(quiet!))?.pollCallsToday,
      1,
      'a poll is settled at its real cost',
    );
  });

  it('doubles an idle organization interval after each idle poll, and a notification run resets it', async () => {
    const [idle] = await linkedOrganizations('idle', 1);
    const plan = planning();
    let at = Date.UTC(2026, 2, 3, 2);
    assert.deepEqual(await dueAt(plan, at), [idle]);
    await plan.runFinished(finishedRun(idle!, 'schedule'));
    assert.equal((await db.repos.pollStates.get(idle!))?.intervalMs, 2 * bounds.minMs);

    assert.deepEqual(await dueAt(plan, at + bounds.minMs), [], 'not due after the minimum any more');
    at += 2 * bounds.minMs;
    assert.deepEqual(await dueAt(plan, at), [idle]);
    await plan.runFinished(finishedRun(idle!, 'schedule'));
    assert.equal((await db.repos.pollStates.get(idle!))?.intervalMs, 4 * bounds.minMs);

    clock = at + MINUTE;
    await plan.runFinished(finishedRun(idle!, 'notification', { hubUpdates: 1 }));
    assert.equal((await db.repos.pollStates.get(idle!))?.intervalMs, bounds.minMs);
    assert.deepEqual(await dueAt(plan, at + MINUTE + bounds.minMs), [idle], 'due again after the minimum');
  });

  it('keeps the interval when a poll changed things in CC, and when it failed or was cancelled', async () => {
    const [busy, failing] = await linkedOrganizations('outcome', 2);
    const plan = planning();
    const at = Date.UTC(2026, 2, 4, 3);
    assert.deepEqual((await dueAt(plan, at)).sort(), [busy, failing].sort());
    await plan.runFinished(finishedRun(busy!, 'schedule', { hubUpdates: 3 }));
    await plan.runFinished(finishedRun(failing!, 'schedule', { status: 'failed' }));
    const busyState = await db.repos.pollStates.get(busy!);
    const failedState = await db.repos.pollStates.get(failing!);
    assert.equal(busyState?.intervalMs, bounds.minMs);
    assert.equal(busyState?.lastActivityAt, at, 'changes found are activity');
    assert.equal(failedState?.intervalMs, bounds.minMs, 'a failed poll is not an idle one');
    assert.equal(failedState?.callsInFlight, 0, 'but its cost is settled, so it is polled again');

    assert.deepEqual(
      (await dueAt(plan, at + bounds.minMs)).sort(),
      [busy, failing].sort(),
      'both due again after the minimum',
    );
    await plan.runFinished(finishedRun(failing!, 'schedule', { status: 'cancelled' }));
    assert.equal((await db.repos.pollStates.get(failing!))?.intervalMs, bounds.minMs);
  });

  it('grants no more polls than the paced share of the day, and the rest as the day goes on', async () => {
    const organizations = await linkedOrganizations('paced', 4);
    const budget = fakeBudget(1_000);
    const plan = planning(budget);
    const early = Date.UTC(2026, 2, 5, 0, 6);
    const allowance = pollAllowance({
      now: early,
      budget: { perDay: budget.limit, usedToday: 0, reserveShare: 0.25 },
      pollsSpentToday: 0,
      pollsInFlight: 0,
      priorityWaitingCalls: 0,
    });
    const share = Math.floor(allowance.pacedLeft / DEFAULT_POLL_COST.estimatedCalls);
    assert.ok(share > 0 && share < organizations.length, 'the scenario leaves some waiting');

    const first = await dueAt(plan, early);
    assert.equal(first.length, share);
    assert.deepEqual(await dueAt(plan, early), [], 'asked again at once: the share is spent');
    const later = await dueAt(plan, early + 60 * MINUTE);
    assert.deepEqual([...first, ...later].sort(), [...organizations].sort(), 'the others later in the day');
  });

  it('leaves room for priority work waiting in the queue', async () => {
    const [waiting] = await linkedOrganizations('queued', 1);
    const late = Date.UTC(2026, 2, 6, 23);
    // Priority work spent the reserve and more: only a few calls are left today, and a notification waits.
    const budget = fakeBudget(1_000, 1_000 - DEFAULT_POLL_COST.chunkCalls);
    const crowded = planning(budget, async () => ({ priority: 1, schedule: 0 }));
    assert.deepEqual(await dueAt(crowded, late), []);
    const quiet = planning(budget, async () => ({ priority: 0 }));
    assert.deepEqual(await dueAt(quiet, late), [waiting]);
  });

  it('settles a poll the queue ran as a priority run, so the organization is not stuck in flight', async () => {
    const [merged] = await linkedOrganizations('merged', 1);
    const plan = planning();
    const at = Date.UTC(2026, 2, 7, 4);
    assert.deepEqual(await dueAt(plan, at), [merged]);
    await plan.runFinished(finishedRun(merged!, 'notification'));
    const state = await db.repos.pollStates.get(merged!);
    assert.equal(state?.callsInFlight, 0);
    assert.equal(state?.pollCallsToday, 0, 'paid from the reserve, not the polls');
    assert.deepEqual(await dueAt(plan, at + bounds.minMs), [merged]);
  });

  it('treats a user on the connector page as activity: a long interval is back to the minimum', async () => {
    const [visited] = await linkedOrganizations('visited', 1);
    const plan = planning();
    let at = Date.UTC(2026, 2, 8, 1);
    for (let poll = 0; poll < 3; poll++) {
      assert.deepEqual(await dueAt(plan, at), [visited]);
      await plan.runFinished(finishedRun(visited!, 'schedule'));
      at += (await db.repos.pollStates.get(visited!))!.intervalMs;
    }
    const quiet = (await db.repos.pollStates.get(visited!))!;
    assert.equal(quiet.intervalMs, 8 * bounds.minMs);

    const lastPoll = quiet.lastPolledAt!;
    await recordUserOnPage(db.repos.pollStates, visited!, bounds, new Date(lastPoll + MINUTE));
    assert.equal((await db.repos.pollStates.get(visited!))?.intervalMs, bounds.minMs);
    assert.deepEqual(await dueAt(plan, lastPoll + bounds.minMs), [visited]);
  });
});
