import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConstantContactClient } from '../../src/constantcontact/client.ts';
import { organizationTokenStore } from '../../src/db/cc-token-store.ts';
import { type CcTestEmulator, startCcEmulatorForTest } from '../helpers/cc-emulator.ts';
import { consentAtCc, followCallback, startConnect } from '../helpers/cc-oauth-flow.ts';
import { PUBLIC_URL, startWebTestApp, type WebTestApp } from '../helpers/web-app.ts';
import { pkcePair } from '../sandbox/constantcontact/cc-test-client.ts';

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
  const callback = (url: URL, cookie: string) => followCallback(t, url, cookie);
  const consent = (url: URL, account: { username: string; password: string }) =>
    consentAtCc(cc.url, url, account);

  const linkedAccount = async (who: Who) =>
    (await t.repos.organizations.get(idOf(who))).ccAccount?.id ?? null;

  it("refuses a callback carrying another session's state", async () => {
    const victim = await t.signIn({ uid: 'usr-v1', groupUid: 'cld-v1', role: 'Admin' });
    const attacker = await t.signIn({ uid: 'usr-a1', groupUid: 'cld-a1', role: 'Admin' });
    const { authorizeUrl, pendingCookie } = await startConnect(t, attacker);
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
    const { authorizeUrl, pendingCookie } = await startConnect(t, owner);
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
    const { authorizeUrl, pendingCookie } = await startConnect(t, victim);
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
