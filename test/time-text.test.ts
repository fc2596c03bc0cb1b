import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { knownTimeZone, localTimes, relativeTime, utcMinute } from '../src/time-text.ts';

describe('times as people read them', () => {
  it('says how far an instant is from now, in the largest whole unit', () => {
    const now = new Date('2026-03-01T12:00:00Z');
    const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);
    assert.equal(relativeTime(at(20), now), 'in a moment');
    assert.equal(relativeTime(at(-44), now), 'just now');
    assert.equal(relativeTime(at(0), now), 'just now');
    assert.equal(relativeTime(at(60), now), 'in 1 minute');
    assert.equal(relativeTime(at(12 * 60), now), 'in 12 minutes');
    assert.equal(relativeTime(at(-4 * 60), now), '4 minutes ago');
    assert.equal(relativeTime(at(2 * 3600), now), 'in 2 hours');
    assert.equal(relativeTime(at(-3600), now), '1 hour ago');
    assert.equal(relativeTime(at(-3 * 86_400), now), '3 days ago');
    assert.equal(utcMinute('2026-03-01T12:34:56Z'), '2026-03-01 12:34 UTC');
  });

  it("shows instants in the account's zone, named, and falls back to UTC for a zone it does not know", () => {
    const now = new Date('2026-12-03T19:05:00Z');
    const chicago = localTimes('America/Chicago', now);
    assert.equal(chicago.zone, 'America/Chicago');
    assert.equal(chicago.minute('2026-12-03T19:05:00Z'), '2026-12-03 13:05 CST');
    assert.equal(chicago.minute('2026-07-03T19:05:00Z'), '2026-07-03 14:05 CDT');
    assert.equal(chicago.short('2026-12-03T05:59:00Z'), 'Dec 2 23:59');
    assert.equal(chicago.relative('2026-12-03T19:01:00Z'), '4 minutes ago');
    // CC's example zone is an alias; it is kept as CC gives it.
    assert.equal(localTimes('US/Eastern', now).minute('2026-12-03T19:05:00Z'), '2026-12-03 14:05 EST');
    assert.equal(localTimes('Asia/Kolkata', now).minute('2026-12-03T19:05:00Z'), '2026-12-04 00:35 GMT+5:30');
    for (const unknown of ['Mars/Olympus', '', null, undefined]) {
      const times = localTimes(unknown, now);
      assert.equal(times.zone, 'UTC');
      assert.equal(times.minute('2026-12-03T19:05:00Z'), '2026-12-03 19:05 UTC');
    }
    assert.equal(knownTimeZone(' Europe/Paris '), 'Europe/Paris');
    assert.equal(knownTimeZone('Europe/Nowhere'), null);
  });
});
