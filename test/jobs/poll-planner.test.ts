import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { utcDayStart } from '../../src/jobs/poll-pacing.ts';
import {
  afterPoll,
  afterPriorityRun,
  newPollState,
  type OrganizationPollState,
  onActivity,
  type PlanInput,
  planPolls,
} from '../../src/jobs/poll-planner.ts';
import { percentile, simulateFleetDay } from '../helpers/fleet-simulation.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const bounds = { minMs: 15 * MINUTE, maxMs: 24 * HOUR };
const noon = Date.UTC(2026, 0, 6, 12);
const cost = { estimatedCalls: 2, chunkCalls: 25 };
const plentiful = { perDay: 10_000, usedToday: 0, reserveShare: 0.25 };

function org(id: string, tenant: string, polledAgo: number | null, intervalMs = HOUR): OrganizationPollState {
  return {
    ...newPollState(id, tenant, bounds),
    lastPolledAt: polledAgo === null ? null : noon - polledAgo,
    intervalMs,
  };
}

function plan(organizations: OrganizationPollState[], overrides: Partial<PlanInput> = {}) {
  return planPolls({
    now: noon,
    organizations,
    budget: plentiful,
    bounds,
    cost,
    priorityWaitingCalls: 0,
    ...overrides,
  });
}

/** An organization, not due, whose polls spent `calls` today: what the fleet's polls have spent by noon. */
function pollsSpent(calls: number, now = noon): OrganizationPollState {
  return {
    ...newPollState('spender', 'elsewhere', bounds),
    lastPolledAt: now - MINUTE,
    pollCallsDay: utcDayStart(now),
    pollCallsToday: calls,
  };
}

/** Polls spent so much by noon that the pace leaves room for exactly `polls` more. */
function roomFor(polls: number): OrganizationPollState {
  return pollsSpent(Math.floor(0.5 * plentiful.perDay * 0.75) - polls * cost.estimatedCalls);
}

describe('poll planner', () => {
  it('polls the never-polled first, then the due by how long they waited; not the ones not due', () => {
    const result = plan([
      org('fresh-poll', 't', 10 * MINUTE),
      org('due-a-little', 't', 70 * MINUTE),
      org('never', 't', null),
      org('due-long-ago', 't', 3 * HOUR),
    ]);
    assert.deepEqual(
      result.grants.map((g) => g.organizationId),
      ['never', 'due-long-ago', 'due-a-little'],
    );
    for (const grant of result.grants) {
      assert.equal(grant.state.lastPolledAt, noon);
      assert.equal(grant.maxCalls, cost.chunkCalls);
      assert.equal(grant.state.callsInFlight, cost.estimatedCalls);
    }
    assert.equal(result.overdue, 0);
  });

  it('takes tenants in turns, so a tenant with many organizations does not crowd out one with few', () => {
    const many = Array.from({ length: 10 }, (_, i) => org(`big-${i}`, 'big', (5 + i) * HOUR));
    const few = [org('small-0', 'small', 2 * HOUR), org('small-1', 'small', 2 * HOUR)];
    const result = plan([...many, ...few, roomFor(4)]);
    assert.deepEqual(
      result.grants.map((g) => g.organizationId),
      ['big-9', 'small-0', 'big-8', 'small-1'],
    );
    assert.equal(result.overdue, 8, 'the rest wait for the pace');
  });

  it('stops at the pace: what polls may have spent by now, and no later organization jumps ahead', () => {
    const due = Array.from({ length: 5 }, (_, i) => org(`o${i}`, 't', (2 + i) * HOUR));
    const result = plan([...due, roomFor(2)]);
    assert.deepEqual(
      result.grants.map((g) => g.organizationId),
      ['o4', 'o3'],
    );
    assert.equal(result.overdue, 3);
  });

  it('holds polls back when priority work waiting needs what is left of the day', () => {
    const late = Date.UTC(2026, 0, 6, 23);
    // Polls spent 6,000 and priority work 1,000: 3,000 calls are left, 1,500 of them the unused reserve.
    const fleet = [org('a', 't', 2 * HOUR), org('b', 't', 2 * HOUR), pollsSpent(6_000, late)];
    const budget = { perDay: 10_000, usedToday: 7_000, reserveShare: 0.25 };
    const input = { now: late, organizations: fleet, budget, bounds, cost };
    const quiet = planPolls({ ...input, priorityWaitingCalls: 0 });
    assert.equal(quiet.grants.length, 2);
    assert.equal(quiet.allowance.reserveLeft, 1_500);
    const busy = planPolls({ ...input, priorityWaitingCalls: 2_990 });
    assert.equal(busy.grants.length, 0, 'priority work waiting takes 2,990 of the 3,000 left: no poll fits');
    assert.equal(busy.overdue, 2);
  });

  it('does not grant an organization whose poll is still running', () => {
    const first = plan([org('a', 't', 2 * HOUR)]);
    const running = first.grants[0]!.state;
    const later = planPolls({
      now: noon + 2 * HOUR,
      organizations: [running],
      budget: plentiful,
      bounds,
      cost,
      priorityWaitingCalls: 0,
    });
    assert.equal(later.grants.length, 0);
    assert.equal(later.pollsSpentToday, cost.estimatedCalls, 'counted at its estimate until it reports');
  });

  it('settles a poll at its real cost and adapts the interval: doubled when idle, reset by changes', () => {
    const granted = plan([org('a', 't', 2 * HOUR, HOUR)]).grants[0]!.state;
    const idle = afterPoll(
      granted,
      { now: noon + MINUTE, changesFound: false, callsSpent: 1, moreWork: false },
      bounds,
    );
    assert.equal(idle.pollCallsToday, 1);
    assert.equal(idle.callsInFlight, 0);
    assert.equal(idle.intervalMs, 2 * HOUR);
    const busy = afterPoll(
      granted,
      { now: noon + MINUTE, changesFound: true, callsSpent: 3, moreWork: false },
      bounds,
    );
    assert.equal(busy.intervalMs, bounds.minMs);
    assert.equal(busy.lastActivityAt, noon + MINUTE);
    assert.equal(busy.pollCallsToday, 3);
  });

  it('learns the hours of the day changes were made in, not just the hour they were read', () => {
    const readAt = Date.UTC(2026, 0, 6, 12, 5);
    const firstChangeAt = Date.UTC(2026, 0, 6, 9, 3);
    const granted = { ...org('a', 't', 8 * HOUR, 8 * HOUR), lastPolledAt: readAt - 8 * HOUR };
    const read = afterPoll(
      granted,
      { now: readAt, changesFound: true, earliestChangeAt: firstChangeAt, callsSpent: 1, moreWork: false },
      bounds,
    );
    const quietNight = { ...read, lastPolledAt: Date.UTC(2026, 0, 6, 20), intervalMs: 16 * HOUR };
    const nextMorning = Date.UTC(2026, 0, 7, 9);
    const plan9 = planPolls({
      now: nextMorning,
      organizations: [quietNight],
      budget: plentiful,
      bounds,
      cost,
      priorityWaitingCalls: 0,
    });
    assert.equal(plan9.grants.length, 1, 'polled from 09:00 the next day, though its interval is 16 hours');
    const plan8 = planPolls({
      now: nextMorning - HOUR,
      organizations: [quietNight],
      budget: plentiful,
      bounds,
      cost,
      priorityWaitingCalls: 0,
    });
    assert.equal(plan8.grants.length, 0, 'not at 08:00, when it was never active');
  });

  it('resets the interval on a notification or a user on the page, and counts a priority run as a poll', () => {
    const quiet = org('a', 't', HOUR, 16 * HOUR);
    assert.equal(onActivity(quiet, 'user_on_page', noon, bounds).intervalMs, bounds.minMs);
    assert.equal(onActivity(quiet, 'notification', noon, bounds).lastActivityAt, noon);
    const read = afterPriorityRun(quiet, { now: noon, changesFound: false }, bounds);
    assert.equal(read.lastPolledAt, noon);
    assert.equal(read.pollCallsToday, 0, 'spent from the reserve, not the polls');
    assert.equal(plan([onActivity(quiet, 'user_on_page', noon, bounds)]).grants.length, 1, 'due at once');
  });

  it('hands a large first sync or backfill out in chunks, after the regular polls, one chunk per plan', () => {
    const backfill = { ...org('backfill', 't', MINUTE, bounds.minMs), backlog: true };
    const regular = org('regular', 't', 2 * HOUR);
    const first = plan([backfill, regular]);
    assert.deepEqual(
      first.grants.map((g) => [g.organizationId, g.maxCalls]),
      [
        ['regular', cost.chunkCalls],
        ['backfill', cost.chunkCalls],
      ],
    );
    const chunk = first.grants[1]!.state;
    assert.equal(chunk.callsInFlight, cost.chunkCalls, 'a chunk is counted at its cap');
    const more = afterPoll(
      chunk,
      { now: noon + MINUTE, changesFound: true, callsSpent: 25, moreWork: true },
      bounds,
    );
    assert.equal(more.backlog, true);
    const next = planPolls({
      now: noon + 2 * MINUTE,
      organizations: [more],
      budget: plentiful,
      bounds,
      cost,
      priorityWaitingCalls: 0,
    });
    assert.equal(next.grants.length, 1, 'the next chunk follows');
    const done = afterPoll(
      next.grants[0]!.state,
      { now: noon + 3 * MINUTE, changesFound: true, callsSpent: 4, moreWork: false },
      bounds,
    );
    assert.equal(done.backlog, false);
  });

  it('serves a simulated day of 400 organizations on 2,000 calls: within the limit, everyone polled, busy ones read within the hour', () => {
    const day = simulateFleetDay({ organizations: 400, perDay: 2_000 });
    assert.ok(day.callsUsed <= day.limit, `${day.callsUsed} calls used of ${day.limit}`);
    assert.equal(day.neverPolled, 0, 'every organization polled at least once');
    assert.ok(day.busyLagMinutes.length > 0, 'busy organizations changed contacts');
    const p95 = percentile(day.busyLagMinutes, 0.95);
    assert.ok(p95 < 60, `busy organizations' CC-to-hub lag p95 is ${p95.toFixed(1)} minutes`);
    assert.ok(day.priorityRuns > 0, 'notifications arrived, a burst of them late in the day');
    assert.equal(day.priorityHeldBack, 0, 'no notification-driven run found the budget spent by polls');
    const pollCeilingBy10 = Math.floor((10 / 24) * day.limit * 0.75);
    assert.ok(day.pollCallsBy10 <= pollCeilingBy10, `polls spent ${day.pollCallsBy10} by 10:00`);
  });
});
