import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../../sandbox/shared/clock.ts';
import { type CcTestEmulator, startCcEmulatorForTest } from '../../helpers/cc-emulator.ts';
import { type CcJson, callCc } from './cc-test-client.ts';

const clientId = 'activities-client';

describe('CC emulator: GET /v3/activities', () => {
  let cc: CcTestEmulator;
  let token: string;
  let listId: string;
  const clock = new ManualClock('2026-04-01T08:00:00.000Z');

  before(async () => {
    cc = await startCcEmulatorForTest({
      clock,
      clients: [{ clientId, clientSecret: 's', redirectUris: ['http://127.0.0.1/cb'] }],
      accounts: [
        {
          accountId: 'acct-a',
          username: 'a@example.com',
          password: 'pw',
          organizationName: 'A',
          lists: ['L'],
        },
        {
          accountId: 'acct-b',
          username: 'b@example.com',
          password: 'pw',
          organizationName: 'B',
          lists: ['L'],
        },
      ],
      ratePerSecond: 100_000,
      accessTokenTtlSeconds: 365 * 86_400,
      activityStepMs: 20,
    });
    token = cc.grantTokens({ accountId: 'acct-a', clientId }).access_token;
    listId = cc.accounts.get('acct-a').findListByName('L')!.list_id;
  });
  after(async () => {
    cc.assertConformant();
    await cc.close();
  });

  async function importOne(email: string): Promise<string> {
    const answer = await callCc(cc, token, 'POST', '/v3/activities/contacts_json_import', {
      import_data: [{ email }],
      list_ids: [listId],
    });
    assert.equal(answer.status, 201);
    return answer.body.activity_id;
  }

  it("lists the account's activities of the past 10 days, newest first, paged by limit", async () => {
    const old = await importOne('old@example.com');
    clock.advance(11 * 24 * 60 * 60_000);
    const ids = [
      await importOne('one@example.com'),
      await importOne('two@example.com'),
      await importOne('three@example.com'),
    ];
    const other = cc.grantTokens({ accountId: 'acct-b', clientId }).access_token;
    assert.deepEqual((await callCc(cc, other, 'GET', '/v3/activities')).body.activities, []);

    const seen: string[] = [];
    let path: string | null = '/v3/activities?limit=2';
    const sizes: number[] = [];
    while (path) {
      const page: { status: number; body: CcJson } = await callCc(cc, token, 'GET', path);
      assert.equal(page.status, 200);
      sizes.push(page.body.activities.length);
      for (const a of page.body.activities) {
        seen.push(a.activity_id);
        assert.equal(a._links.self.href, `/v3/activities/${a.activity_id}`);
      }
      path = page.body._links?.next?.href ?? null;
    }
    assert.deepEqual(sizes, [2, 1]);
    assert.deepEqual(seen, [...ids].reverse());
    assert.ok(!seen.includes(old));
  });

  it('filters by state', async () => {
    await new Promise((r) => setTimeout(r, 200));
    const done = await callCc(cc, token, 'GET', '/v3/activities?state=completed');
    assert.equal(done.status, 200);
    assert.equal(done.body.activities.length, 3);
    assert.ok(done.body.activities.every((a: CcJson) => a.state === 'completed'));
    const processing = await callCc(cc, token, 'GET', '/v3/activities?state=processing');
    assert.deepEqual(processing.body.activities, []);
  });
});

describe('CC emulator: GET /v3/activities with parameters outside the spec', () => {
  let cc: CcTestEmulator;
  let token: string;

  before(async () => {
    cc = await startCcEmulatorForTest({
      checkRequests: false,
      clients: [{ clientId, clientSecret: 's', redirectUris: ['http://127.0.0.1/cb'] }],
      accounts: [{ accountId: 'acct-c', username: 'c@example.com', password: 'pw', organizationName: 'C' }],
      ratePerSecond: 100_000,
    });
    token = cc.grantTokens({ accountId: 'acct-c', clientId }).access_token;
  });
  after(async () => {
    cc.assertConformant();
    await cc.close();
  });

  it('refuses a state or limit the spec does not allow', async () => {
    const initialized = await callCc(cc, token, 'GET', '/v3/activities?state=initialized');
    assert.equal(initialized.status, 400);
    assert.deepEqual(initialized.body, [
      { error_key: 'activities.api.validation.error', error_message: 'state does not have a valid value' },
    ]);
    const limit = await callCc(cc, token, 'GET', '/v3/activities?limit=501');
    assert.equal(limit.status, 400);
    assert.equal(limit.body[0].error_message, 'limit does not have a valid value');
  });
});
