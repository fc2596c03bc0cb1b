import assert from 'node:assert/strict';
import { Browser, hiddenValue } from '../sandbox/constantcontact/cc-test-client.ts';
import type { WebTestApp } from './web-app.ts';

/** A signed-in user of the web test app: their session cookie and organization page. */
export interface SignedIn {
  cookie: string;
  location: string;
}

/**
 * Presses Connect on the user's organization page: the authorize URL the connector sends the browser to,
 * and the pending-link cookie it binds to the session.
 */
export async function startConnect(t: WebTestApp, who: SignedIn) {
  const page = await t.app.inject({ method: 'GET', url: who.location, headers: { cookie: who.cookie } });
  const started = await t.app.inject({
    method: 'POST',
    url: `${who.location}/constantcontact/connect`,
    headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: hiddenValue(page.body, '_csrf') }).toString(),
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

/** Signs in to the CC emulator at `authorizeUrl` and allows access: the callback URL CC redirects to. */
export async function consentAtCc(
  ccUrl: string,
  authorizeUrl: URL,
  account: { username: string; password: string },
): Promise<URL> {
  const browser = new Browser();
  const login = await browser.request(authorizeUrl.toString());
  const consent = await browser.request(`${ccUrl}/oauth2/default/v1/authorize/login`, {
    form: { request_id: hiddenValue(await login.text(), 'request_id'), ...account },
  });
  const decided = await browser.request(`${ccUrl}/oauth2/default/v1/authorize/consent`, {
    form: { request_id: hiddenValue(await consent.text(), 'request_id'), decision: 'allow' },
  });
  assert.equal(decided.status, 302);
  return new URL(decided.headers.get('location')!);
}

/** Follows the callback in the user's browser (their session and pending-link cookies). */
export function followCallback(t: WebTestApp, callback: URL, cookie: string) {
  return t.app.inject({ method: 'GET', url: `${callback.pathname}${callback.search}`, headers: { cookie } });
}
