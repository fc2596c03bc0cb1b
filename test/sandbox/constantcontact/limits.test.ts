import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../../sandbox/shared/clock.ts';
import { type CcTestEmulator, startCcEmulatorForTest } from '../../helpers/cc-emulator.ts';
import { callCc } from './cc-test-client.ts';

const appA = { clientId: 'app-a', clientSecret: 'a', redirectUris: ['http://127.0.0.1/a'] };
const appB = { clientId: 'app-b', clientSecret: 'b', redirectUris: ['http://127.0.0.1/b'] };
const accounts = ['one', 'two'].map((n) => ({
  accountId: `acct-${n}`,
  username: `${n}@example.com`,
  password: 'pw',
  organizationName: `Org ${n}`,
}));

describe('CC emulator: application limits', () => {
  let cc: CcTestEmulator;
  const clock = new ManualClock('2026-06-01T23:59:00.000Z');

  before(async () => {
    cc = await startCcEmulatorForTest({
      clock,
      clients: [appA, appB],
      accounts,
      ratePerSecond: 4,
      dailyQuota: 10,
    });
  });
  after(async () => {
    cc.assertConformant();
    await cc.close();
  });

  it('throttles the fifth request within a second, per client id and across accounts', async () => {
    const one = cc.grantTokens({ accountId: 'acct-one', clientId: 'app-a' }).access_token;
    const two = cc.grantTokens({ accountId: 'acct-two', clientId: 'app-a' }).access_token;
    const other = cc.grantTokens({ accountId: 'acct-one', clientId: 'app-b' }).access_token;
    const statuses: number[] = [];
    for (const token of [one, two, one, two])
      statuses.push((await callCc(cc, token, 'GET', '/v3/contact_lists')).status);
    assert.deepEqual(statuses, [200, 200, 200, 200]);
    const fifth = await callCc(cc, two, 'GET', '/v3/contact_lists');
    assert.equal(fifth.status, 429);
    assert.equal(fifth.body.error_key, 'throttled');
    assert.equal(typeof fifth.body.error_message, 'string');
    assert.equal(fifth.headers.get('retry-after'), null, 'CC documents no Retry-After');
    assert.equal(
      (await callCc(cc, other, 'GET', '/v3/contact_lists')).status,
      200,
      'another application has its own limit',
    );
    clock.advance(1000);
    assert.equal(
      (await callCc(cc, one, 'GET', '/v3/contact_lists')).status,
      200,
      'the next second is free again',
    );
  });

  it('answers quota_exceeded over the daily quota until 00:00 UTC, counting every account of the application', async () => {
    // app-a has used 5 of its 10 today (the previous test); throttled requests did not count.
    const one = cc.grantTokens({ accountId: 'acct-one', clientId: 'app-a' }).access_token;
    const two = cc.grantTokens({ accountId: 'acct-two', clientId: 'app-a' }).access_token;
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      clock.advance(1000);
      statuses.push((await callCc(cc, i % 2 === 0 ? one : two, 'GET', '/v3/contact_lists')).status);
    }
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429]);
    const over = await callCc(cc, one, 'GET', '/v3/contact_lists');
    assert.equal(over.body.error_key, 'quota_exceeded');
    assert.match(over.body.error_message, /2026-06-02T00:00:00.000Z/);
    clock.set('2026-06-02T00:00:00.000Z');
    assert.equal(
      (await callCc(cc, two, 'GET', '/v3/contact_lists')).status,
      200,
      'the quota resets at midnight UTC',
    );
  });

  it('limits by a sliding window: no burst across a second boundary, room again as the oldest leaves', async () => {
    const token = cc.grantTokens({ accountId: 'acct-one', clientId: 'app-b' }).access_token;
    clock.set('2026-06-02T08:00:00.600Z');
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      statuses.push((await callCc(cc, token, 'GET', '/v3/contact_lists')).status);
      clock.advance(100);
    }
    // 01.000 starts a new clock second, but four requests sit within the last 1,000 ms.
    clock.set('2026-06-02T08:00:01.100Z');
    statuses.push((await callCc(cc, token, 'GET', '/v3/contact_lists')).status);
    clock.set('2026-06-02T08:00:01.599Z');
    statuses.push((await callCc(cc, token, 'GET', '/v3/contact_lists')).status);
    clock.set('2026-06-02T08:00:01.601Z');
    statuses.push((await callCc(cc, token, 'GET', '/v3/contact_lists')).status);
    assert.deepEqual(statuses, [200, 200, 200, 200, 429, 429, 200]);
  });

  it('adds Retry-After to a 429 only when the knob asks, counting to when the window has room', async () => {
    const token = cc.grantTokens({ accountId: 'acct-two', clientId: 'app-b' }).access_token;
    clock.set('2026-06-02T09:00:00.000Z');
    cc.knobs.retryAfterHeader = true;
    try {
      for (let i = 0; i < 4; i += 1) await callCc(cc, token, 'GET', '/v3/contact_lists');
      clock.advance(200);
      const refused = await callCc(cc, token, 'GET', '/v3/contact_lists');
      assert.equal(refused.status, 429);
      assert.equal(refused.headers.get('retry-after'), '1');
    } finally {
      cc.knobs.retryAfterHeader = false;
    }
  });

  it('does not count unauthenticated requests', async () => {
    clock.advance(5000);
    for (let i = 0; i < 6; i += 1)
      assert.equal((await callCc(cc, 'bogus', 'GET', '/v3/contacts')).status, 401);
    const token = cc.grantTokens({ accountId: 'acct-one', clientId: 'app-a' }).access_token;
    assert.equal((await callCc(cc, token, 'GET', '/v3/contact_lists')).status, 200);
  });
});
