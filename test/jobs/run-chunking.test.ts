import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BudgetReading } from '../../src/constantcontact/rate-limiter.ts';
import { budgetDeferral } from '../../src/jobs/budget-gate.ts';
import { maxCallsFor, type PollPlanning } from '../../src/jobs/poll-planning.ts';
import { PRIORITY_OF } from '../../src/jobs/run-priorities.ts';
import { RUN_TRIGGERS } from '../../src/model/sync-run.ts';

const planning: PollPlanning = {
  chunkCalls: 25,
  due: async () => [],
  runFinished: async () => {},
};

function spent(usedToday: number, limit = 1_000): BudgetReading {
  return { limit, usedToday: async () => usedToday, blockedUntil: async () => null };
}

describe('which runs go in chunks, and when they wait', () => {
  it('caps polls, first links and historical backfills at the chunk, and nothing a person or the hub waits for', () => {
    const caps = Object.fromEntries(RUN_TRIGGERS.map((t) => [t, maxCallsFor(t, planning)]));
    assert.deepEqual(caps, {
      schedule: 25,
      notification: undefined,
      manual: undefined,
      first_link: 25,
      historical: 25,
    });
    assert.equal(maxCallsFor('schedule', undefined), undefined, 'no planner, no cap');
  });

  it('queues a historical backfill after the polls', () => {
    assert.ok(PRIORITY_OF.historical > PRIORITY_OF.schedule);
    assert.ok(PRIORITY_OF.schedule > PRIORITY_OF.first_link);
    assert.ok(PRIORITY_OF.first_link > PRIORITY_OF.manual);
  });

  it('leaves the reserve to priority work: a backfill waits for the next day like a poll', async () => {
    const now = new Date('2026-03-05T15:00:00Z');
    const reserveOnly = spent(800);
    for (const trigger of ['schedule', 'historical'] as const) {
      assert.equal(
        (await budgetDeferral(reserveOnly, trigger, 0.25, now))?.toISOString(),
        '2026-03-06T00:00:00.000Z',
        trigger,
      );
    }
    for (const trigger of ['manual', 'notification', 'first_link'] as const) {
      assert.equal(await budgetDeferral(reserveOnly, trigger, 0.25, now), null, trigger);
    }
    assert.equal(await budgetDeferral(spent(100), 'historical', 0.25, now), null, 'budget left: it goes');
  });
});
