import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConstantContactClient } from '../../src/constantcontact/client.ts';
import { CcNeedsReconnectError } from '../../src/constantcontact/errors.ts';
import { organizationTokenStore } from '../../src/db/cc-token-store.ts';
import { lifecycleDeps, settleExpiredLinks } from '../../src/lifecycle/organization-lifecycle.ts';
import { createLogger } from '../../src/logger.ts';
import { type CcTestEmulator, startCcEmulatorForTest } from '../helpers/cc-emulator.ts';
import { consentAtCc, followCallback, startConnect } from '../helpers/cc-oauth-flow.ts';
import { PUBLIC_URL, startWebTestApp, type WebTestApp } from '../helpers/web-app.ts';
import { callCc, hiddenValue } from '../sandbox/constantcontact/cc-test-client.ts';

const app = {
  clientId: 'web-link-client',
  clientSecret: 'web-link-secret',
  redirectUris: [`${PUBLIC_URL}/constantcontact/oauth/callback`],
};
const ccAccount = (n: string, organizationName: string) => ({
  accountId: `acct-${n}`,
  username: `owner-${n}@example.com`,
  password: `pw-${n}`,
  organizationName,
});
const SHARED = ccAccount('shared', 'Shared Shop');
const SECOND = ccAccount('second', 'Second Shop');
const THIRD = ccAccount('third', 'Third Shop');
const FOURTH = ccAccount('fourth', 'Fourth Shop');
const FIFTH = ccAccount('fifth', 'Fifth Shop');

type Who = { cookie: string; location: string };

describe('linking a Constant Contact account that another organization holds', () => {
  let cc: CcTestEmulator;
  let t: WebTestApp;
  let client: ConstantContactClient;

  before(async () => {
    cc = await startCcEmulatorForTest({ clients: [app], accounts: [SHARED, SECOND, THIRD, FOURTH, FIFTH] });
    t = await startWebTestApp({
      env: {
        CC_CLIENT_ID: app.clientId,
        CC_CLIENT_SECRET: app.clientSecret,
        CC_API_BASE_URL: cc.url,
        CC_AUTH_BASE_URL: cc.url,
      },
      cc: (config, repos) => {
        const { redirectUri, apiBaseUrl, authBaseUrl } = config.constantContact;
        client = new ConstantContactClient({
          config: {
            clientId: app.clientId,
            clientSecret: app.clientSecret,
            redirectUri,
            apiBaseUrl,
            authBaseUrl,
          },
          tokenStore: organizationTokenStore(repos.organizations),
        });
        return client;
      },
    });
  });
  after(async () => {
    await t.close();
    cc.assertConformant();
    await cc.close();
  });

  const idOf = (who: Who) => who.location.split('/').pop()!;
  const page = (who: Who, path = who.location) =>
    t.app.inject({ method: 'GET', url: path, headers: { cookie: who.cookie } });
  const _csrfOf = async (who: Who) => hiddenValue((await page(who)).body, '_csrf');

  /** Connect → CC's login and consent (real HTTP to the emulator) → our callback; returns its answer. */
  async function connect(who: Who, account: { username: string; password: string }) {
    const { authorizeUrl, pendingCookie } = await startConnect(t, who);
    const callback = await consentAtCc(cc.url, authorizeUrl, account);
    return followCallback(t, callback, `${who.cookie}; ${pendingCookie}`);
  }

  function answer(who: Who, confirmation: string, decision: 'confirm' | 'cancel') {
    return t.app.inject({
      method: 'POST',
      url: `${who.location}/constantcontact/confirm-link`,
      headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        _csrf: hiddenValue(confirmation, '_csrf'),
        pending: hiddenValue(confirmation, 'pending'),
        decision,
      }).toString(),
    });
  }

  it('asks first, naming the other organization; on confirm moves the account and tells the other why', async () => {
    const yarn = await t.signIn({ uid: 'usr-both', groupUid: 'cld-yarn', groupName: 'Yarn Shop' });
    const linked = await connect(yarn, SHARED);
    assert.match(linked.headers.location as string, /notice=linked/);
    assert.equal((await t.repos.organizations.get(idOf(yarn))).ccAccount?.id, SHARED.accountId);

    const xylo = await t.signIn({ uid: 'usr-both', groupUid: 'cld-xylo', groupName: 'Xylo Shop' });
    const asked = await connect(xylo, SHARED);
    assert.equal(asked.statusCode, 200, 'a page, not a silent link');
    assert.match(
      asked.body,
      /already connected to the organization <strong data-other-organization>Yarn Shop</,
    );
    assert.match(asked.body, /disconnected from/);
    assert.match(asked.body, /value="confirm"/);
    assert.match(asked.body, /value="cancel"/);
    assert.equal((await t.repos.organizations.get(idOf(xylo))).ccAccount, null, 'nothing moved yet');
    assert.equal((await t.repos.organizations.get(idOf(yarn))).ccAccount?.id, SHARED.accountId);
    assert.doesNotMatch(asked.body, /access-|refresh_token/, 'the tokens stay on the server');

    const confirmed = await answer(xylo, asked.body, 'confirm');
    assert.equal(confirmed.statusCode, 303);
    assert.match(confirmed.headers.location as string, /notice=linked/);
    const moved = await t.repos.organizations.get(idOf(xylo));
    assert.equal(moved.ccAccount?.id, SHARED.accountId);
    const tokens = (await t.repos.organizations.getTokens(moved.id))!;
    assert.equal((await callCc(cc, tokens.accessToken, 'GET', '/v3/account/summary')).status, 200);

    const left = await t.repos.organizations.get(idOf(yarn));
    assert.equal(left.ccAccount, null);
    assert.match(
      left.needsReconnect?.reason ?? '',
      /^Constant Contact account "Shared Shop" was linked to organization "Xylo Shop" on \d{4}-\d\d-\d\d \d\d:\d\d UTC; reconnect to share again\.$/,
    );
    const yarnPage = await page(yarn);
    assert.match(yarnPage.body, /data-needs-reconnect/);
    assert.ok(
      yarnPage.body.includes('was linked to organization &quot;Xylo Shop&quot;'),
      'the page says why',
    );
    assert.match(yarnPage.body, /Reconnect to Constant Contact/);
    assert.ok(t.scheduler.calls.some((c) => c.method === 'cancel' && c.organizationId === left.id));
    assert.ok(
      t.scheduler.calls.some(
        (c) => c.method === 'request' && c.organizationId === moved.id && c.trigger === 'first_link',
      ),
    );

    const again = await answer(xylo, asked.body, 'confirm');
    assert.match(again.headers.location as string, /notice=cc_link_expired/, 'one answer per confirmation');
  });

  it('says "another organization" to a user who is not its member; on cancel the holder keeps working', async () => {
    const holder = await t.signIn({ uid: 'usr-holder', groupUid: 'cld-holder', groupName: 'Private Holder' });
    await connect(holder, SECOND);
    const before = (await t.repos.organizations.getTokens(idOf(holder)))!;

    const outsider = await t.signIn({ uid: 'usr-outsider', groupUid: 'cld-outsider', groupName: 'Outsider' });
    const asked = await connect(outsider, SECOND);
    assert.equal(asked.statusCode, 200);
    assert.match(asked.body, /<strong data-other-organization>another organization</);
    assert.doesNotMatch(asked.body, /Private Holder/);

    const cancelled = await answer(outsider, asked.body, 'cancel');
    assert.match(cancelled.headers.location as string, /notice=cc_link_cancelled/);
    assert.equal((await t.repos.organizations.get(idOf(outsider))).ccAccount, null);
    const kept = await t.repos.organizations.get(idOf(holder));
    assert.equal(kept.ccAccount?.id, SECOND.accountId);
    assert.equal(kept.needsReconnect, null);
    // CC ended the holder's own refresh token when it authorized the account again; the holder now
    // carries the new authorization, whose refresh works.
    await assert.rejects(client.oauth.refresh(kept.id, before.refreshToken), CcNeedsReconnectError);
    const now = (await t.repos.organizations.getTokens(kept.id))!;
    assert.notEqual(now.refreshToken, before.refreshToken);
    assert.ok((await client.oauth.refresh(kept.id, now.refreshToken)).accessToken);
  });

  it('a refresh refused because another grant superseded it shows needs reconnect; reconnecting clears it', async () => {
    const shop = await t.signIn({ uid: 'usr-third', groupUid: 'cld-third', groupName: 'Third Org' });
    await connect(shop, THIRD);
    const id = idOf(shop);
    // Someone authorizes the same account for the same application elsewhere (another installation).
    cc.grantTokens({ accountId: THIRD.accountId, clientId: app.clientId });
    const { accessToken } = (await t.repos.organizations.getTokens(id))!;
    await assert.rejects(client.tokens.renewAfterRejection(id, accessToken), CcNeedsReconnectError);

    const marked = await t.repos.organizations.get(id);
    assert.equal(marked.ccAccount?.id, THIRD.accountId);
    assert.match(
      marked.needsReconnect?.reason ?? '',
      /authorization of account "Third Shop".*authorized again/,
    );
    assert.ok(!(await t.repos.organizations.listSyncable()).some((o) => o.id === id), 'runs wait');
    const shown = await page(shop);
    assert.match(shown.body, /Constant Contact needs reconnecting/);
    assert.match(shown.body, /stopped accepting this organization&#39;s authorization/);

    const relinked = await connect(shop, THIRD);
    assert.match(relinked.headers.location as string, /notice=linked/, 'its own account: no question asked');
    assert.equal((await t.repos.organizations.get(id)).needsReconnect, null);
  });

  it('when the confirmation expires unanswered, the holder takes the authorization and keeps working', async () => {
    const holder = await t.signIn({ uid: 'usr-keeper', groupUid: 'cld-keeper', groupName: 'Keeper' });
    await connect(holder, FOURTH);
    const before = (await t.repos.organizations.getTokens(idOf(holder)))!;

    const walker = await t.signIn({ uid: 'usr-walker', groupUid: 'cld-walker', groupName: 'Walker' });
    const asked = await connect(walker, FOURTH);
    assert.equal(asked.statusCode, 200, 'asked to confirm');
    // CC ended the holder's refresh token by authorizing the account again; the user walks away.
    await assert.rejects(client.oauth.refresh(idOf(holder), before.refreshToken), CcNeedsReconnectError);
    await t.db.store.db
      .updateTable('cc_pending_links')
      .set({ expires_at: new Date(Date.now() - 1_000).toISOString() })
      .execute();

    const late = await answer(walker, asked.body, 'confirm');
    assert.match(late.headers.location as string, /notice=cc_link_expired/, 'too late to move it');
    assert.equal((await t.repos.organizations.get(idOf(walker))).ccAccount, null);

    // The sweep the scheduler does now and then.
    const deps = lifecycleDeps({
      repos: t.repos,
      scheduler: t.scheduler,
      logger: createLogger('silent'),
      cc: client,
    });
    assert.equal(await settleExpiredLinks(deps), 1);
    const kept = await t.repos.organizations.get(idOf(holder));
    assert.equal(kept.ccAccount?.id, FOURTH.accountId);
    assert.equal(kept.needsReconnect, null);
    const now = (await t.repos.organizations.getTokens(kept.id))!;
    assert.notEqual(now.refreshToken, before.refreshToken);
    const refreshed = await client.oauth.refresh(kept.id, now.refreshToken);
    assert.equal((await callCc(cc, refreshed.accessToken, 'GET', '/v3/account/summary')).status, 200);
    assert.doesNotMatch((await page(holder)).body, /data-needs-reconnect/);
  });

  it('a confirmation overtaken by a newer authorization of the account is never handed back', async () => {
    const holder = await t.signIn({ uid: 'usr-relinker', groupUid: 'cld-relinker', groupName: 'Relinker' });
    await connect(holder, FIFTH);
    const walker = await t.signIn({ uid: 'usr-walker-2', groupUid: 'cld-walker-2', groupName: 'Walker 2' });
    assert.equal((await connect(walker, FIFTH)).statusCode, 200, 'asked to confirm');
    // The holder reconnects its own account meanwhile: CC ends the authorization waiting for an answer.
    assert.match((await connect(holder, FIFTH)).headers.location as string, /notice=linked/);
    const relinked = (await t.repos.organizations.getTokens(idOf(holder)))!;
    await t.db.store.db
      .updateTable('cc_pending_links')
      .set({ expires_at: new Date(Date.now() - 1_000).toISOString() })
      .execute();

    const deps = lifecycleDeps({
      repos: t.repos,
      scheduler: t.scheduler,
      logger: createLogger('silent'),
      cc: client,
    });
    assert.equal(await settleExpiredLinks(deps), 0, 'nothing left to hand back');
    assert.deepEqual(await t.repos.organizations.getTokens(idOf(holder)), relinked);
    assert.ok((await client.oauth.refresh(idOf(holder), relinked.refreshToken)).accessToken);
  });
});
