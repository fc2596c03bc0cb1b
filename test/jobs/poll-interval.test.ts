import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ACTIVE_HOURS_MEMORY_MS,
  effectiveInterval,
  intervalAfterActivity,
  intervalAfterPoll,
  nextPollDue,
  withActiveHours,
} from '../../src/jobs/poll-interval.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const bounds = { minMs: 15 * MINUTE, maxMs: 24 * HOUR };
const monday = Date.UTC(2026, 0, 5);

describe('poll interval', () => {
  it('doubles after each idle poll, from POLL_MIN up to POLL_MAX and no further', () => {
    const intervals = [bounds.minMs];
    for (let i = 0; i < 10; i++) intervals.push(intervalAfterPoll(intervals.at(-1)!, false, bounds));
    for (let i = 1; i < intervals.length; i++) {
      assert.equal(intervals[i], Math.min(bounds.maxMs, intervals[i - 1]! * 2));
    }
    assert.equal(intervals.at(-1), bounds.maxMs);
  });

  it('goes back to POLL_MIN when a poll finds changes, and on any activity', () => {
    assert.equal(intervalAfterPoll(bounds.maxMs, true, bounds), bounds.minMs);
    assert.equal(intervalAfterActivity(bounds), bounds.minMs);
  });

  it('applies POLL_MIN in the hours of the day the organization was active in during the last week', () => {
    const activeAt = monday + 9 * HOUR + 20 * MINUTE;
    const state = {
      intervalMs: 8 * HOUR,
      activeHours: withActiveHours(0, activeAt, activeAt),
      lastActivityAt: activeAt,
    };
    const nextMorning = activeAt + 24 * HOUR;
    assert.equal(effectiveInterval(state, nextMorning, bounds), bounds.minMs, 'same hour, next day');
    assert.equal(effectiveInterval(state, nextMorning + 2 * HOUR, bounds), 8 * HOUR, 'another hour');
    assert.equal(
      effectiveInterval(state, activeAt + ACTIVE_HOURS_MEMORY_MS + 24 * HOUR, bounds),
      8 * HOUR,
      'forgotten after a quiet week',
    );
  });

  it('says when the next regular poll falls due: now before the first, else the last plus the interval that applies', () => {
    const now = Date.parse('2026-03-01T12:00:00Z');
    const state = { lastPolledAt: null, intervalMs: 60 * MINUTE, activeHours: 0, lastActivityAt: null };
    assert.equal(nextPollDue(state, now, bounds), now);
    assert.equal(nextPollDue({ ...state, lastPolledAt: now - 10 * MINUTE }, now, bounds), now + 50 * MINUTE);
    assert.equal(
      nextPollDue({ ...state, lastPolledAt: now - 90 * MINUTE }, now, bounds),
      now,
      'overdue is due now',
    );
  });
});
