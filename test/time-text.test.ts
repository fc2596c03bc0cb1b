import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { relativeTime, utcMinute } from '../src/time-text.ts';

describe('times as people read them', () => {
  it('says how far an instant is from now, in the largest whole unit', () => {
    const now = new Date('2026-03-01T12:00:00Z');
    const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);
    assert.equal(relativeTime(at(20), now), 'now');
    assert.equal(relativeTime(at(-44), now), 'now');
    assert.equal(relativeTime(at(60), now), 'in 1 minute');
    assert.equal(relativeTime(at(12 * 60), now), 'in 12 minutes');
    assert.equal(relativeTime(at(-4 * 60), now), '4 minutes ago');
    assert.equal(relativeTime(at(2 * 3600), now), 'in 2 hours');
    assert.equal(relativeTime(at(-3600), now), '1 hour ago');
    assert.equal(relativeTime(at(-3 * 86_400), now), '3 days ago');
    assert.equal(utcMinute('2026-03-01T12:34:56Z'), '2026-03-01 12:34 UTC');
  });
});
