import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../../sandbox/shared/clock.ts';
import { type CcTestEmulator, startCcEmulatorForTest } from '../../helpers/cc-emulator.ts';
import { Browser, callCc, hiddenValue, pkcePair, postTokenForm } from './cc-test-client.ts';

const redirectUri = 'http://127.0.0.1:9999/constantcontact/callback';
const client = { clientId: 'oauth-test-client', clientSecret: 'oauth-secret', redirectUris: [redirectUri] };
const account = {
  accountId: 'acct-oauth',
  username: 'owner@example.com',
  password: 'right-password',
  organizationName: 'OAuth Co',
};
const tokenPath = '/oauth2/default/v1/token';

function authorizeUrl(base: string, extra: Record<string, string> = {}): string {
  const url = new URL('/oauth2/default/v1/authorize', base);
  const params = {
    client_id: client.clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: 'contact_data account_read account_update offline_access',
    state: 'xyz-state',
    ...extra,
  };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

/** Walks the authorize pages as a browser: login form, consent, redirect with the code. */
async function signInAndConsent(
  cc: CcTestEmulator,
  challenge: string,
  password = account.password,
): Promise<URL> {
  const browser = new Browser();
  const loginPage = await browser.request(
    authorizeUrl(cc.url, { code_challenge: challenge, code_challenge_method: 'S256' }),
  );
  assert.equal(loginPage.status, 200);
  const loginHtml = await loginPage.text();
  assert.match(loginHtml, /<label for="password">/);
  const afterLogin = await browser.request(new URL('/oauth2/default/v1/authorize/login', cc.url).toString(), {
    form: { request_id: hiddenValue(loginHtml, 'request_id'), username: account.username, password },
  });
  if (afterLogin.status === 302) return new URL(afterLogin.headers.get('location')!);
  const consentHtml = await afterLogin.text();
  assert.match(consentHtml, /Allow access/);
  const decided = await browser.request(new URL('/oauth2/default/v1/authorize/consent', cc.url).toString(), {
    form: { request_id: hiddenValue(consentHtml, 'request_id'), decision: 'allow' },
  });
  assert.equal(decided.status, 302);
  return new URL(decided.headers.get('location')!);
}

describe('CC emulator: OAuth2', () => {
  let cc: CcTestEmulator;
  const clock = new ManualClock('2026-05-01T08:00:00.000Z');
  /**
   * The token endpoint allows one request a second per application; these tests are about other rules, so
   * they call it as a well-behaved client does, a second apart.
   */
  const spacedTokenPost: typeof postTokenForm = (...args) => {
    clock.advance(1000);
    return postTokenForm(...args);
  };

  before(async () => {
    cc = await startCcEmulatorForTest({ clock, clients: [client], accounts: [account], ratePerSecond: 1000 });
  });
  after(async () => {
    cc.assertConformant();
    await cc.close();
  });

  it('runs the authorization code flow with PKCE S256: login, consent, code, tokens, API call', async () => {
    const { verifier, challenge } = pkcePair();
    const callback = await signInAndConsent(cc, challenge);
    assert.equal(`${callback.origin}${callback.pathname}`, redirectUri);
    assert.equal(callback.searchParams.get('state'), 'xyz-state');
    const code = callback.searchParams.get('code')!;
    const tokens = await spacedTokenPost(cc, tokenPath, client, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
    });
    assert.equal(tokens.status, 200);
    assert.equal(tokens.body.token_type, 'Bearer');
    assert.equal(tokens.body.expires_in, 86_400);
    assert.equal(tokens.body.scope, 'contact_data account_read account_update offline_access');
    assert.ok(tokens.body.refresh_token);
    const summary = await callCc(cc, tokens.body.access_token, 'GET', '/v3/account/summary');
    assert.equal(summary.body.organization_name, 'OAuth Co');

    const reused = await spacedTokenPost(cc, tokenPath, client, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
    });
    assert.equal(reused.status, 400);
    assert.equal(reused.body.error, 'invalid_grant', 'a code works once');
  });

  it('refuses a PKCE mismatch and an expired code (5 minutes)', async () => {
    const { challenge } = pkcePair();
    const code = (await signInAndConsent(cc, challenge)).searchParams.get('code')!;
    const wrong = await spacedTokenPost(cc, tokenPath, client, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      code_verifier: pkcePair().verifier,
    });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.error, 'invalid_grant');

    const pair = pkcePair();
    const late = (await signInAndConsent(cc, pair.challenge)).searchParams.get('code')!;
    clock.advance(5 * 60 * 1000 + 1);
    const expired = await spacedTokenPost(cc, tokenPath, client, {
      grant_type: 'authorization_code',
      code: late,
      redirect_uri: redirectUri,
      code_verifier: pair.verifier,
    });
    assert.equal(expired.status, 400);
    assert.equal(expired.body.error, 'invalid_grant');
  });

  it('requires HTTP Basic client authentication at the token endpoint', async () => {
    const wrong = await spacedTokenPost(
      cc,
      tokenPath,
      { clientId: client.clientId, clientSecret: 'nope' },
      {
        grant_type: 'refresh_token',
        refresh_token: 'whatever',
      },
    );
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error, 'invalid_client');
  });

  it('sends a wrong password back to the redirect URI with error=access_denied', async () => {
    const callback = await signInAndConsent(cc, pkcePair().challenge, 'wrong-password');
    assert.equal(`${callback.origin}${callback.pathname}`, redirectUri);
    assert.equal(callback.searchParams.get('error'), 'access_denied');
    assert.ok(callback.searchParams.get('error_description'));
    assert.equal(callback.searchParams.get('state'), 'xyz-state');
    assert.equal(callback.searchParams.get('code'), null);
  });

  it('rotates refresh tokens: the second use of one fails with invalid_grant', async () => {
    const first = cc.grantTokens({ accountId: account.accountId, clientId: client.clientId });
    const refreshed = await spacedTokenPost(cc, tokenPath, client, {
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token,
    });
    assert.equal(refreshed.status, 200);
    assert.notEqual(refreshed.body.refresh_token, first.refresh_token);
    const spent = await spacedTokenPost(cc, tokenPath, client, {
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token,
    });
    assert.equal(spent.status, 400);
    assert.equal(spent.body.error, 'invalid_grant');
    const next = await spacedTokenPost(cc, tokenPath, client, {
      grant_type: 'refresh_token',
      refresh_token: refreshed.body.refresh_token,
    });
    assert.equal(next.status, 200);
  });

  it('expires access tokens after their TTL with 401 unauthorized', async () => {
    const tokens = cc.grantTokens({ accountId: account.accountId, clientId: client.clientId });
    assert.equal((await callCc(cc, tokens.access_token, 'GET', '/v3/contact_lists')).status, 200);
    clock.advance(86_400 * 1000);
    const expired = await callCc(cc, tokens.access_token, 'GET', '/v3/contact_lists');
    assert.equal(expired.status, 401);
    assert.deepEqual(expired.body, { error_key: 'unauthorized', error_message: 'Unauthorized' });
    const refreshed = await spacedTokenPost(cc, tokenPath, client, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
    });
    assert.equal((await callCc(cc, refreshed.body.access_token, 'GET', '/v3/contact_lists')).status, 200);
  });

  it('answers 401 for a missing or unknown token and 403 for a missing scope', async () => {
    for (const token of [null, 'not-a-token']) {
      const answer = await callCc(cc, token, 'GET', '/v3/contacts');
      assert.equal(answer.status, 401);
      assert.equal(answer.body.error_key, 'unauthorized');
    }
    const readOnly = cc.grantTokens({
      accountId: account.accountId,
      clientId: client.clientId,
      scopes: ['account_read'],
    });
    assert.equal(readOnly.refresh_token, '', 'no refresh token without offline_access');
    const forbidden = await callCc(cc, readOnly.access_token, 'PUT', '/v3/account/summary', {
      organization_name: 'X',
    });
    assert.equal(forbidden.status, 403);
    assert.ok(Array.isArray(forbidden.body));
    assert.equal(forbidden.body[0].error_key, 'forbidden');
    assert.equal((await callCc(cc, readOnly.access_token, 'GET', '/v3/contacts')).status, 403);
    assert.equal((await callCc(cc, readOnly.access_token, 'GET', '/v3/account/summary')).status, 200);
  });

  it('revokes a grant: its access and refresh tokens stop working', async () => {
    const tokens = cc.grantTokens({ accountId: account.accountId, clientId: client.clientId });
    const revoked = await spacedTokenPost(cc, '/oauth2/default/v1/revoke', client, {
      token: tokens.refresh_token,
      token_type_hint: 'refresh_token',
    });
    assert.equal(revoked.status, 200);
    assert.equal((await callCc(cc, tokens.access_token, 'GET', '/v3/contacts')).status, 401);
    const refresh = await spacedTokenPost(cc, tokenPath, client, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
    });
    assert.equal(refresh.body.error, 'invalid_grant');
  });

  it('refuses an unregistered redirect URI without redirecting', async () => {
    const response = await fetch(authorizeUrl(cc.url, { redirect_uri: 'https://evil.example/cb' }), {
      redirect: 'manual',
    });
    assert.equal(response.status, 400);
    await response.text();
  });
});

describe('CC emulator: long-lived refresh tokens', () => {
  it('reuses the same refresh token when rotation is off', async () => {
    const clock = new ManualClock('2026-05-01T08:00:00.000Z');
    const cc = await startCcEmulatorForTest({
      clock,
      clients: [client],
      accounts: [account],
      rotateRefreshTokens: false,
    });
    try {
      const first = cc.grantTokens({ accountId: account.accountId, clientId: client.clientId });
      for (let i = 0; i < 3; i += 1) {
        // A second apart, as the token endpoint allows one request a second.
        clock.advance(1000);
        const refreshed = await postTokenForm(cc, tokenPath, client, {
          grant_type: 'refresh_token',
          refresh_token: first.refresh_token,
        });
        assert.equal(refreshed.status, 200);
        assert.equal(refreshed.body.refresh_token, first.refresh_token);
        assert.notEqual(refreshed.body.access_token, first.access_token);
      }
    } finally {
      await cc.close();
    }
  });
});

describe('CC emulator: a new authorization expires the refresh tokens of earlier grants', () => {
  const otherClient = { clientId: 'other-app', clientSecret: 'other-secret', redirectUris: [redirectUri] };
  const otherAccount = {
    accountId: 'acct-other',
    username: 'other@example.com',
    password: 'pw',
    organizationName: 'Other Co',
  };
  let cc: CcTestEmulator;
  const clock = new ManualClock('2026-05-01T08:00:00.000Z');
  const refresh = (who: { clientId: string; clientSecret: string }, refreshToken: string) => {
    clock.advance(1000);
    return postTokenForm(cc, tokenPath, who, { grant_type: 'refresh_token', refresh_token: refreshToken });
  };

  before(async () => {
    cc = await startCcEmulatorForTest({
      clock,
      clients: [client, otherClient],
      accounts: [account, otherAccount],
    });
  });
  after(async () => {
    cc.assertConformant();
    await cc.close();
  });

  it('a consent in the browser ends the earlier grant of the same account and application only', async () => {
    assert.equal(cc.knobs.newGrantRevokesEarlier, true, 'on by default');
    const earlier = cc.grantTokens({ accountId: account.accountId, clientId: client.clientId });
    const otherApp = cc.grantTokens({ accountId: account.accountId, clientId: otherClient.clientId });
    const otherAcct = cc.grantTokens({ accountId: otherAccount.accountId, clientId: client.clientId });

    const { verifier, challenge } = pkcePair();
    const code = (await signInAndConsent(cc, challenge)).searchParams.get('code')!;
    clock.advance(1000);
    const later = await postTokenForm(cc, tokenPath, client, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
    });
    assert.equal(later.status, 200);

    const refused = await refresh(client, earlier.refresh_token);
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error, 'invalid_grant');
    assert.equal(
      (await callCc(cc, earlier.access_token, 'GET', '/v3/account/summary')).status,
      200,
      'the earlier access token lives until its TTL',
    );
    assert.equal((await refresh(client, later.body.refresh_token)).status, 200, 'the new grant works');
    assert.equal((await refresh(otherClient, otherApp.refresh_token)).status, 200, 'another application');
    assert.equal((await refresh(client, otherAcct.refresh_token)).status, 200, 'another account');
  });

  it('the grantTokens shortcut stands for a consent, so it expires earlier grants too', async () => {
    const earlier = cc.grantTokens({ accountId: account.accountId, clientId: client.clientId });
    const later = cc.grantTokens({ accountId: account.accountId, clientId: client.clientId });
    assert.equal((await refresh(client, earlier.refresh_token)).body.error, 'invalid_grant');
    assert.equal((await refresh(client, later.refresh_token)).status, 200);
  });

  it('with newGrantRevokesEarlier off, earlier grants keep their refresh tokens', async () => {
    cc.knobs.newGrantRevokesEarlier = false;
    try {
      const earlier = cc.grantTokens({ accountId: account.accountId, clientId: client.clientId });
      const later = cc.grantTokens({ accountId: account.accountId, clientId: client.clientId });
      assert.equal((await refresh(client, earlier.refresh_token)).status, 200);
      assert.equal((await refresh(client, later.refresh_token)).status, 200);
    } finally {
      cc.knobs.newGrantRevokesEarlier = true;
    }
  });
});

describe('CC emulator: the token endpoint rate limit', () => {
  const otherClient = { clientId: 'other-app', clientSecret: 'other-secret', redirectUris: [redirectUri] };
  let cc: CcTestEmulator;
  const clock = new ManualClock('2026-05-01T08:00:00.000Z');
  const refresh = (who: { clientId: string; clientSecret: string }, refreshToken: string) =>
    postTokenForm(cc, tokenPath, who, { grant_type: 'refresh_token', refresh_token: refreshToken });

  before(async () => {
    cc = await startCcEmulatorForTest({ clock, clients: [client, otherClient], accounts: [account] });
  });
  after(async () => {
    cc.assertConformant();
    await cc.close();
  });

  it('allows 1 request a second per application and answers 429 beyond, in the OAuth error shape', async () => {
    assert.equal(cc.knobs.tokenRatePerSecond, 1, 'CC: about 1 request a second');
    const first = cc.grantTokens({ accountId: account.accountId, clientId: client.clientId });
    const ok = await refresh(client, first.refresh_token);
    assert.equal(ok.status, 200);
    const refused = await refresh(client, ok.body.refresh_token);
    assert.equal(refused.status, 429);
    assert.equal(refused.body.error, 'too_many_requests');
    assert.ok(refused.body.error_description);
    assert.equal(refused.headers.get('retry-after'), null, 'CC documents no Retry-After');

    const other = cc.grantTokens({ accountId: account.accountId, clientId: otherClient.clientId });
    assert.equal((await refresh(otherClient, other.refresh_token)).status, 200, 'counted per client id');

    clock.advance(1000);
    const next = await refresh(client, ok.body.refresh_token);
    assert.equal(next.status, 200, 'the refused request spent nothing, the refresh token still works');
  });

  it('counts code exchanges too, before looking at the grant', async () => {
    clock.advance(1000);
    assert.equal((await refresh(client, 'not-a-token')).body.error, 'invalid_grant');
    const exchange = await postTokenForm(cc, tokenPath, client, {
      grant_type: 'authorization_code',
      code: 'not-a-code',
      redirect_uri: redirectUri,
    });
    assert.equal(exchange.status, 429);
  });

  it('follows tokenRatePerSecond at run time; 0 turns the limit off', async () => {
    cc.knobs.tokenRatePerSecond = 3;
    cc.knobs.retryAfterHeader = true;
    try {
      clock.advance(1000);
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await refresh(client, 'x')).status);
      assert.deepEqual(statuses, [400, 400, 400, 429]);
      assert.equal((await refresh(client, 'x')).headers.get('retry-after'), '1');
      cc.knobs.tokenRatePerSecond = 0;
      for (let i = 0; i < 5; i++) assert.equal((await refresh(client, 'x')).status, 400);
    } finally {
      cc.knobs.tokenRatePerSecond = 1;
      cc.knobs.retryAfterHeader = false;
    }
  });
});
