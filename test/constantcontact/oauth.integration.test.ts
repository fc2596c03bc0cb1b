import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { ManualClock } from '../../sandbox/shared/clock.ts';
import { CcAuthorizationDeniedError, CcNeedsReconnectError } from '../../src/constantcontact/errors.ts';
import { countOf, type Harness, ORG, redirectUri, startHarness } from './harness.ts';

const TOKEN = 'POST /oauth2/default/v1/token';

/** Walks CC's authorize page as a browser would: login form, then consent; returns the callback URL. */
async function signInAndConsent(authorizeUrl: string, password: string, decision = 'allow'): Promise<URL> {
  const page = await fetch(authorizeUrl);
  const requestId = /name="request_id" value="([^"]+)"/.exec(await page.text())?.[1];
  assert.ok(requestId, 'the authorize page shows a login form');
  const origin = new URL(authorizeUrl).origin;
  const login = await fetch(`${origin}/oauth2/default/v1/authorize/login`, {
    method: 'POST',
    body: new URLSearchParams({ request_id: requestId, username: 'owner@acme.example', password }),
    redirect: 'manual',
  });
  if (login.status === 302) return new URL(login.headers.get('location')!);
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  await login.text();
  const consent = await fetch(`${origin}/oauth2/default/v1/authorize/consent`, {
    method: 'POST',
    headers: { cookie },
    body: new URLSearchParams({ request_id: requestId, decision }),
    redirect: 'manual',
  });
  assert.equal(consent.status, 302);
  return new URL(consent.headers.get('location')!);
}

describe('OAuth against the emulator', () => {
  let h: Harness;
  afterEach(async () => {
    h.emulator.assertConformant();
    await h.close();
  });

  it('connects with PKCE: authorize, callback, code exchange, then API calls with the new tokens', async () => {
    h = await startHarness();
    h.store.tokens.clear();
    const request = h.client.oauth.authorizationRequest();
    const callback = await signInAndConsent(request.url, 'correct horse');
    assert.equal(`${callback.origin}${callback.pathname}`, redirectUri);
    const code = h.client.oauth.parseCallback(callback.searchParams, request.state);
    const tokens = await h.client.oauth.exchangeCode(code, request.codeVerifier);
    assert.match(tokens.scope ?? '', /contact_data/);
    assert.ok(tokens.expiresAt.getTime() > Date.now() + 23 * 3600_000, 'access tokens live 24 h');
    await h.store.save(ORG, tokens);
    const summary = await h.api.account.getSummary();
    assert.equal(summary.organization_name, 'Acme Ltd');
    // The code is single use.
    await assert.rejects(h.client.oauth.exchangeCode(code, request.codeVerifier), CcAuthorizationDeniedError);
  });

  it('refuses a code exchanged with the wrong PKCE verifier', async () => {
    h = await startHarness();
    const request = h.client.oauth.authorizationRequest();
    const callback = await signInAndConsent(request.url, 'correct horse');
    const code = h.client.oauth.parseCallback(callback.searchParams, request.state);
    await assert.rejects(
      h.client.oauth.exchangeCode(code, h.client.oauth.authorizationRequest().codeVerifier),
      CcAuthorizationDeniedError,
    );
  });

  it('turns a wrong password into a typed access_denied on the callback', async () => {
    h = await startHarness();
    const request = h.client.oauth.authorizationRequest();
    const callback = await signInAndConsent(request.url, 'wrong');
    assert.throws(
      () => h.client.oauth.parseCallback(callback.searchParams, request.state),
      (e: unknown) => e instanceof CcAuthorizationDeniedError && e.oauthError === 'access_denied',
    );
  });

  it('20 concurrent calls with an expired access token trigger exactly one refresh, and all succeed', async () => {
    h = await startHarness({ expired: true });
    const before = h.store.tokens.get(ORG)!;
    const results = await Promise.all(Array.from({ length: 20 }, () => h.api.account.getSummary([])));
    assert.equal(results.length, 20);
    for (const r of results) assert.equal(r.organization_name, 'Acme Ltd');
    assert.equal(countOf(h.emulator, TOKEN), 1);
    assert.equal(h.store.saved.length, 1, 'the new pair is persisted once');
    assert.notEqual(h.store.tokens.get(ORG)!.refreshToken, before.refreshToken, 'the refresh token rotated');
    assert.equal(
      h.emulator.requestLog.count((e) => e.status === 401),
      0,
      'no call went out with the stale token',
    );
  });

  it('when CC expires the token before we expect, 20 calls answered 401 share one refresh', async () => {
    const clock = new ManualClock(new Date());
    h = await startHarness({ emulator: { clock } });
    clock.advance(25 * 3600_000);
    const results = await Promise.all(Array.from({ length: 20 }, () => h.api.account.getSummary([])));
    assert.equal(results.length, 20);
    assert.equal(countOf(h.emulator, TOKEN), 1);
    assert.ok(h.emulator.requestLog.count((e) => e.status === 401) >= 1);
  });

  it('a refresh token spent twice gives the typed needs-reconnect error', async () => {
    h = await startHarness();
    const { refreshToken } = h.store.tokens.get(ORG)!;
    const fresh = await h.client.oauth.refresh(ORG, refreshToken);
    assert.notEqual(fresh.refreshToken, refreshToken);
    await assert.rejects(h.client.oauth.refresh(ORG, refreshToken), (e: unknown) => {
      assert.ok(e instanceof CcNeedsReconnectError);
      assert.equal(e.code, 'CC_NEEDS_RECONNECT');
      assert.equal(e.organizationId, ORG);
      assert.match(e.message, /invalid_grant/);
      return true;
    });
  });

  it('an API call whose stored refresh token is spent fails with needs-reconnect, not a loop', async () => {
    h = await startHarness({ expired: true });
    await h.client.oauth.refresh(ORG, h.store.tokens.get(ORG)!.refreshToken);
    await assert.rejects(h.api.contacts.get('00000000-0000-0000-0000-000000000000'), CcNeedsReconnectError);
    assert.equal(countOf(h.emulator, TOKEN), 2);
  });

  it('revoking the refresh token disconnects the organization', async () => {
    h = await startHarness({ expired: true });
    await h.client.oauth.revoke(h.store.tokens.get(ORG)!.refreshToken);
    await assert.rejects(h.api.account.getSummary(), CcNeedsReconnectError);
  });
});
