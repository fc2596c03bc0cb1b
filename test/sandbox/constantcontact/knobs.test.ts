import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type CcTestEmulator, startCcEmulatorForTest } from '../../helpers/cc-emulator.ts';
import { callCc } from './cc-test-client.ts';

const clientId = 'knob-client';

describe('CC emulator: fault knobs and the request log', () => {
  let cc: CcTestEmulator;
  let tokenA: string;
  let tokenB: string;
  // Deterministic faults: the knobs compare their rate with this value.
  let nextRandom = 0.99;

  before(async () => {
    cc = await startCcEmulatorForTest({
      clients: [{ clientId, clientSecret: 's', redirectUris: ['http://127.0.0.1/cb'] }],
      accounts: [
        { accountId: 'acct-a', username: 'a@example.com', password: 'pw', organizationName: 'A' },
        { accountId: 'acct-b', username: 'b@example.com', password: 'pw', organizationName: 'B' },
      ],
      ratePerSecond: 1000,
      random: () => nextRandom,
    });
    tokenA = cc.grantTokens({ accountId: 'acct-a', clientId }).access_token;
    tokenB = cc.grantTokens({ accountId: 'acct-b', clientId }).access_token;
  });
  after(async () => {
    cc.assertConformant();
    await cc.close();
  });

  it('injects 503s with a CC error array at the configured rate', async () => {
    cc.knobs.errorRate = 0.5;
    nextRandom = 0.4;
    const failed = await callCc(cc, tokenA, 'GET', '/v3/contacts');
    assert.equal(failed.status, 503);
    assert.equal(failed.body[0].error_key, 'server_error');
    nextRandom = 0.6;
    assert.equal((await callCc(cc, tokenA, 'GET', '/v3/contacts')).status, 200);
    cc.knobs.errorRate = 0;
  });

  it('drops connections without an answer', async () => {
    cc.knobs.dropRate = 1;
    nextRandom = 0;
    await assert.rejects(callCc(cc, tokenA, 'GET', '/v3/contacts'), TypeError);
    cc.knobs.dropRate = 0;
    nextRandom = 0.99;
    assert.equal((await callCc(cc, tokenA, 'GET', '/v3/contacts')).status, 200);
  });

  it('adds latency to every answer', async () => {
    cc.knobs.latencyMs = 120;
    const started = performance.now();
    await callCc(cc, tokenA, 'GET', '/v3/contact_lists');
    assert.ok(performance.now() - started >= 110);
    cc.knobs.latencyMs = 0;
  });

  it('counts requests per endpoint and per account', async () => {
    cc.requestLog.clear();
    await callCc(cc, tokenA, 'GET', '/v3/contacts');
    await callCc(cc, tokenA, 'POST', '/v3/contacts', {
      email_address: { address: 'log@example.com' },
      create_source: 'Account',
    });
    const created = await callCc(cc, tokenB, 'POST', '/v3/contacts', {
      email_address: { address: 'log@example.com' },
      create_source: 'Account',
    });
    await callCc(cc, tokenB, 'GET', `/v3/contacts/${created.body.contact_id}`);
    await callCc(cc, tokenA, 'GET', `/v3/contacts/${created.body.contact_id}`);
    await callCc(cc, null, 'GET', '/v3/contacts');
    assert.deepEqual(cc.requestLog.countByEndpoint(), {
      'GET /v3/contacts': 2,
      'POST /v3/contacts': 2,
      'GET /v3/contacts/:contact_id': 2,
    });
    assert.deepEqual(cc.requestLog.countByAccount(), { 'acct-a': 3, 'acct-b': 2, '(none)': 1 });
    assert.equal(
      cc.requestLog.count((e) => e.status === 404),
      1,
      "account A cannot see account B's contact",
    );
  });
});
