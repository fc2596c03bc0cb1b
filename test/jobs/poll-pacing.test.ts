import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DAY_MS, elapsedShareOfDay, pollAllowance, utcDayStart } from '../../src/jobs/poll-pacing.ts';

const HOUR = 3_600_000;
const day = Date.UTC(2026, 0, 6);
const budget = { perDay: 10_000, usedToday: 0, reserveShare: 0.25 };
const nonReserve = budget.perDay * (1 - budget.reserveShare);

describe('poll pacing', () => {
  it('knows the UTC day and how much of it has gone', () => {
    assert.equal(utcDayStart(day + 13 * HOUR), day);
    assert.equal(elapsedShareOfDay(day + 6 * HOUR), 0.25);
    assert.equal(utcDayStart(day + DAY_MS), day + DAY_MS);
  });

  it('lets polls spend by 10:00 at most the elapsed share of the non-reserve budget', () => {
    const at10 = day + 10 * HOUR;
    const ceiling = Math.floor((10 / 24) * nonReserve);
    const fresh = pollAllowance({
      now: at10,
      budget,
      pollsSpentToday: 0,
      pollsInFlight: 0,
      priorityWaitingCalls: 0,
    });
    assert.equal(fresh.pacedLeft, ceiling);
    const spent = pollAllowance({
      now: at10,
      budget: { ...budget, usedToday: ceiling },
      pollsSpentToday: ceiling,
      pollsInFlight: 0,
      priorityWaitingCalls: 0,
    });
    assert.equal(spent.pacedLeft, 0, 'nothing more before the day moves on');
    assert.equal(
      pollAllowance({ now: day, budget, pollsSpentToday: 0, pollsInFlight: 0, priorityWaitingCalls: 0 })
        .pacedLeft,
      0,
    );
  });

  it('keeps the unused reserve, and more when priority work waiting needs more', () => {
    const now = day + 23 * HOUR;
    const reserve = budget.perDay * budget.reserveShare;
    const afterPriority = pollAllowance({
      now,
      budget: { ...budget, usedToday: 6_000 + 500 },
      pollsSpentToday: 6_000,
      pollsInFlight: 0,
      priorityWaitingCalls: 0,
    });
    assert.equal(afterPriority.reserveLeft, reserve - 500);
    assert.equal(afterPriority.hardLeft, budget.perDay - 6_500 - (reserve - 500));

    const burst = pollAllowance({
      now,
      budget: { ...budget, usedToday: 6_500 },
      pollsSpentToday: 6_000,
      pollsInFlight: 0,
      priorityWaitingCalls: 3_000,
    });
    assert.equal(burst.hardLeft, budget.perDay - 6_500 - 3_000, 'polls leave room for all the waiting work');

    const reserveSpent = pollAllowance({
      now,
      budget: { ...budget, usedToday: 6_000 + reserve + 1_000 },
      pollsSpentToday: 6_000,
      pollsInFlight: 0,
      priorityWaitingCalls: 0,
    });
    assert.equal(reserveSpent.reserveLeft, 0);
    assert.equal(
      reserveSpent.hardLeft,
      budget.perDay - (6_000 + reserve + 1_000),
      'priority beyond its reserve shrinks what polls have',
    );
  });

  it('counts running polls at their estimate, not yet in the shared counter', () => {
    const now = day + 12 * HOUR;
    const allowance = pollAllowance({
      now,
      budget: { ...budget, usedToday: 100 },
      pollsSpentToday: 110,
      pollsInFlight: 10,
      priorityWaitingCalls: 0,
    });
    assert.equal(allowance.pacedLeft, Math.floor(0.5 * nonReserve) - 110);
    assert.equal(allowance.reserveLeft, budget.perDay * budget.reserveShare, 'priority spent nothing');
    assert.equal(allowance.hardLeft, budget.perDay - 100 - 10 - budget.perDay * budget.reserveShare);
  });
});
