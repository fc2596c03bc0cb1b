import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startWebTestApp, type WebTestApp } from '../helpers/web-app.ts';

describe('signing out, and pages no one keeps a copy of', () => {
  let t: WebTestApp;
  before(async () => {
    t = await startWebTestApp();
  });
  after(async () => {
    await t.close();
  });

  const page = (url: string, cookie: string) => t.app.inject({ method: 'GET', url, headers: { cookie } });
  const csrfOf = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)![1]!;
  const post = (url: string, cookie: string, fields: Record<string, string>) =>
    t.app.inject({
      method: 'POST',
      url,
      payload: new URLSearchParams(fields).toString(),
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    });

  it('asks browsers and proxies to keep no copy of a page, while static assets stay cacheable', async () => {
    const ann = await t.signIn({ uid: 'usr-cache', groupUid: 'cld-cache' });
    for (const url of ['/', ann.location]) {
      const response = await page(url, ann.cookie);
      assert.equal(response.statusCode, 200, url);
      assert.equal(response.headers['cache-control'], 'no-store', url);
    }
    const refused = await page(
      ann.location.replace(/[^/]+$/, '00000000-0000-0000-0000-000000000000'),
      ann.cookie,
    );
    assert.equal(refused.headers['cache-control'], 'no-store', 'error pages too');
    const css = await t.app.inject({ method: 'GET', url: '/assets/connector.css' });
    assert.notEqual(css.headers['cache-control'], 'no-store');
  });

  it("signs out with the page's button: the cookie, even copied, opens nothing, here or after a restart", async () => {
    const ann = await t.signIn({ uid: 'usr-out', groupUid: 'cld-out' });
    const before = await page(ann.location, ann.cookie);
    assert.match(before.body, /<form class="sign-out" method="post" action="\/sign-out">/);

    const withoutToken = await post('/sign-out', ann.cookie, {});
    assert.equal(withoutToken.statusCode, 403, 'another site cannot sign the user out');
    assert.equal((await page(ann.location, ann.cookie)).statusCode, 200);

    const out = await post('/sign-out', ann.cookie, { _csrf: csrfOf(before.body) });
    assert.equal(out.statusCode, 303);
    assert.equal(out.headers.location, '/signed-out/acme');
    assert.match(String(out.headers['set-cookie']), /connector_session=;/, 'the cookie is cleared');
    const signedOut = await t.app.inject({ method: 'GET', url: '/signed-out/acme' });
    assert.match(signedOut.body, /You are signed out/);
    assert.match(signedOut.body, /href="http:\/\/idp.test\/dashboard"/);

    assert.equal((await page(ann.location, ann.cookie)).statusCode, 401, 'the old cookie is refused');
    await t.restart();
    assert.equal((await page(ann.location, ann.cookie)).statusCode, 401, 'and still after a restart');
    const again = await t.signIn({ uid: 'usr-out', groupUid: 'cld-out' });
    assert.equal((await page(again.location, again.cookie)).statusCode, 200, 'signing in again works');
  });
});
