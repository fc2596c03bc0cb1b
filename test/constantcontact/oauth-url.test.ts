import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { CcAuthorizationDeniedError, CcOAuthStateMismatchError } from '../../src/constantcontact/errors.ts';
import { CcOAuth, pkceChallenge } from '../../src/constantcontact/oauth.ts';

const oauth = new CcOAuth({
  clientId: 'connector-app',
  clientSecret: 'secret',
  redirectUri: 'https://connector.example/oauth/callback',
  authBaseUrl: 'https://authz.constantcontact.com/',
});

describe('CcOAuth.authorizationRequest', () => {
  it('builds the authorize URL with S256 PKCE, state and the connector scopes', () => {
    const request = oauth.authorizationRequest();
    const url = new URL(request.url);
    assert.equal(
      `${url.origin}${url.pathname}`,
      'https://authz.constantcontact.com/oauth2/default/v1/authorize',
    );
    const q = url.searchParams;
    assert.equal(q.get('client_id'), 'connector-app');
    assert.equal(q.get('redirect_uri'), 'https://connector.example/oauth/callback');
    assert.equal(q.get('response_type'), 'code');
    assert.equal(q.get('scope'), 'contact_data account_read account_update offline_access');
    assert.equal(q.get('state'), request.state);
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.equal(
      q.get('code_challenge'),
      createHash('sha256').update(request.codeVerifier).digest('base64url'),
    );
    // RFC 7636: 43 to 128 characters of the unreserved set.
    assert.match(request.codeVerifier, /^[A-Za-z0-9\-._~]{43,128}$/);
  });

  it('draws a fresh state and verifier each time', () => {
    const a = oauth.authorizationRequest();
    const b = oauth.authorizationRequest();
    assert.notEqual(a.state, b.state);
    assert.notEqual(a.codeVerifier, b.codeVerifier);
  });

  it('pkceChallenge matches the RFC 7636 example', () => {
    assert.equal(
      pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'),
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });
});

describe('CcOAuth.parseCallback', () => {
  it('returns the code when the state matches', () => {
    assert.equal(oauth.parseCallback(new URLSearchParams('code=abc&state=s1'), 's1'), 'abc');
  });

  it('refuses a state it did not issue, before reading anything else', () => {
    assert.throws(
      () => oauth.parseCallback({ code: 'abc', state: 'forged' }, 's1'),
      CcOAuthStateMismatchError,
    );
  });

  it('turns error=access_denied into a typed error carrying the description', () => {
    assert.throws(
      () =>
        oauth.parseCallback(
          { error: 'access_denied', error_description: 'The user denied the request.', state: 's1' },
          's1',
        ),
      (e: unknown) =>
        e instanceof CcAuthorizationDeniedError &&
        e.code === 'CC_AUTHORIZATION_DENIED' &&
        e.oauthError === 'access_denied' &&
        /denied the request/.test(e.message),
    );
  });
});
