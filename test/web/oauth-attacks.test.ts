import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConstantContactClient } from '../../src/constantcontact/client.ts';
import { organizationTokenStore } from '../../src/db/cc-token-store.ts';
import { type CcTestEmulator, startCcEmulatorForTest } from '../helpers/cc-emulator.ts';
import { PUBLIC_URL, startWebTestApp, type WebTestApp } from '../helpers/web-app.ts';
import { Browser, hiddenValue, pkcePair } from '../sandbox/constantcontact/cc-test-client.ts';

const client = {
  clientId: 'oauth-attack-client',
  clientSecret: 'oauth-attack-secret',
  redirectUris: [`${PUBLIC_URL}/constantcontact/oauth/callback`],
};
const VICTIM = {
  accountId: 'acct-victim',
  username: 'victim@example.com',
  password: 'pw-v',
  organizationName: 'Victim Shop',
};
const ATTACKER = {
  accountId: 'acct-attacker',
  username: 'evil@example.com',
  password: 'pw-e',
  organizationName: 'Evil Shop',
};

type Who = { cookie: string; location: string };

describe('linking Constant Contact: forged, replayed and injected OAuth callbacks are refused', () => {
  let cc: CcTestEmulator;
  let t: WebTestApp;

  before(async () => {
    cc = await startCcEmulatorForTest({ clients: [client], accounts: [VICTIM, ATTACKER] });
    t = await startWebTestApp({
      env: {
        CC_CLIENT_ID: client.clientId,
        CC_CLIENT_SECRET: client.clientSecret,
        CC_API_BASE_URL: cc.url,
        CC_AUTH_BASE_URL: cc.url,
      },
      cc: (config, repos) =>
        new ConstantContactClient({
          config: {
            clientId: client.clientId,
            clientSecret: client.clientSecret,
            redirectUri: config.constantContact.redirectUri,
            apiBaseUrl: config.constantContact.apiBaseUrl,
            authBaseUrl: config.constantContact.authBaseUrl,
          },
          tokenStore: organizationTokenStore(repos.organizations),
        }),
    });
  });
  after(async () => {
    await t.close();
    await cc.close();
  });

  const idOf = (who: Who) => who.location.split('/').pop()!;
  const csrfOf = async (who: Who) =>
    hiddenValue(
      (await t.app.inject({ method: 'GET', url: who.location, headers: { cookie: who.cookie } })).body,
      '_csrf',
    );

  /** Presses Connect: the authorize URL CC is asked with, and the pending-link cookie bound to the session. */
  async function startConnect(who: Who) {
    const started = await t.app.inject({
      method: 'POST',
      url: `${who.location}/constantcontact/connect`,
      headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: await csrfOf(who) }).toString(),
    });
    assert.equal(started.statusCode, 303);
    const pending = (started.cookies as { name: string; value: string }[]).find(
      (c) => c.name === 'connector_cc_oauth',
    )!;
    return {
      authorizeUrl: new URL(started.headers.location as string),
      pendingCookie: `connector_cc_oauth=${pending.value}`,
    };
  }

  /** Logs in to CC and consents at `authorizeUrl`; the callback URL CC sends the browser to. */
  async function consent(authorizeUrl: URL, account: { username: string; password: string }): Promise<URL> {
    const browser = new Browser();
    const login = await browser.request(authorizeUrl.toString());
    const consented = await browser.request(`${cc.url}/oauth2/default/v1/authorize/login`, {
      form: { request_id: hiddenValue(await login.text(), 'request_id'), ...account },
    });
    const decided = await browser.request(`${cc.url}/oauth2/default/v1/authorize/consent`, {
      form: { request_id: hiddenValue(await consented.text(), 'request_id'), decision: 'allow' },
    });
    assert.equal(decided.status, 302);
    return new URL(decided.headers.get('location')!);
  }

  const callback = (url: URL, cookie: string) =>
    t.app.inject({ method: 'GET', url: `${url.pathname}${url.search}`, headers: { cookie } });

  const linkedAccount = async (who: Who) =>
    (await t.repos.organizations.get(idOf(who))).ccAccount?.id ?? null;

  it("refuses a callback carrying another session's state", async () => {
    const victim = await t.signIn({ uid: 'usr-v1', groupUid: 'cld-v1', role: 'Admin' });
    const attacker = await t.signIn({ uid: 'usr-a1', groupUid: 'cld-a1', role: 'Admin' });
    const { authorizeUrl, pendingCookie } = await startConnect(attacker);
    const back = await consent(authorizeUrl, ATTACKER);
    // The attacker makes the victim's browser follow their callback, pending cookie included.
    const answer = await callback(back, `${victim.cookie}; ${pendingCookie}`);
    assert.notEqual(answer.statusCode, 200);
    assert.doesNotMatch(String(answer.headers.location ?? ''), /notice=linked/);
    assert.equal(await linkedAccount(victim), null, "the attacker's account is not linked to the victim");
    assert.equal(await linkedAccount(attacker), null, 'nor to the attacker, whose session did not finish it');
  });

  it('refuses a callback replayed after the link was made: the code is spent', async () => {
    const owner = await t.signIn({ uid: 'usr-v2', groupUid: 'cld-v2', role: 'Admin' });
    const { authorizeUrl, pendingCookie } = await startConnect(owner);
    const back = await consent(authorizeUrl, VICTIM);
    const first = await callback(back, `${owner.cookie}; ${pendingCookie}`);
    assert.equal(first.statusCode, 303);
    assert.match(String(first.headers.location), /notice=linked/);
    const tokens = await t.repos.organizations.getTokens(idOf(owner));

    const replay = await callback(back, `${owner.cookie}; ${pendingCookie}`);
    assert.equal(replay.statusCode, 303);
    assert.doesNotMatch(String(replay.headers.location), /notice=linked/, 'not linked a second time');
    assert.deepEqual(
      await t.repos.organizations.getTokens(idOf(owner)),
      tokens,
      'the tokens are those of the first',
    );
  });

  it("refuses an attacker's code injected under the victim's state: PKCE binds the code to the victim's verifier", async () => {
    const victim = await t.signIn({ uid: 'usr-v3', groupUid: 'cld-v3', role: 'Admin' });
    const { authorizeUrl, pendingCookie } = await startConnect(victim);
    // The attacker learned the victim's state and authorizes their own account under it, with their own PKCE.
    const injected = new URL(authorizeUrl);
    injected.searchParams.set('code_challenge', pkcePair().challenge);
    const back = await consent(injected, ATTACKER);
    assert.equal(back.searchParams.get('state'), authorizeUrl.searchParams.get('state'));
    const answer = await callback(back, `${victim.cookie}; ${pendingCookie}`);
    assert.equal(answer.statusCode, 303);
    assert.match(String(answer.headers.location), /notice=cc_exchange/);
    assert.equal(await linkedAccount(victim), null, "the attacker's account is not linked");
  });
});
