import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startWebTestApp, type WebTestApp } from '../helpers/web-app.ts';

/** 40 sign-in starts from one connection address, each claiming a client address; how many were refused. */
async function refusedOf40(t: WebTestApp, forwardedFor: (i: number) => string): Promise<number> {
  let refused = 0;
  for (let i = 0; i < 40; i++) {
    const response = await t.app.inject({
      method: 'GET',
      url: '/maestrano/auth/saml/init/acme',
      remoteAddress: '10.9.9.9',
      headers: { 'x-forwarded-for': forwardedFor(i) },
    });
    if (response.statusCode === 429) refused++;
  }
  return refused;
}

const randomAddress = (i: number) => `203.0.113.${i + 1}`;

describe('client addresses behind proxies', () => {
  it('believes no X-Forwarded-For by default: a forged one per request does not escape the sign-in limit', async () => {
    const t = await startWebTestApp();
    try {
      assert.ok((await refusedOf40(t, randomAddress)) >= 10, 'limited by the connection address');
    } finally {
      await t.close();
    }
  });

  it('believes the proxies TRUST_PROXY names, and limits each client behind them', async () => {
    const t = await startWebTestApp({ env: { TRUST_PROXY: '10.9.9.9' } });
    try {
      assert.equal(
        await refusedOf40(t, randomAddress),
        0,
        'forty clients behind the proxy, one attempt each',
      );
      assert.ok((await refusedOf40(t, () => '198.51.100.7')) >= 10, 'one client behind the proxy is limited');
    } finally {
      await t.close();
    }
  });

  it('with a hop count, takes the address the last proxy saw, not one the client wrote before it', async () => {
    const t = await startWebTestApp({ env: { TRUST_PROXY: '1' } });
    try {
      const forged = (i: number) => `${randomAddress(i)}, 198.51.100.8`;
      assert.ok((await refusedOf40(t, forged)) >= 10, 'the client cannot prepend its way out of the limit');
    } finally {
      await t.close();
    }
  });
});
