import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startWebTestApp, type WebTestApp } from '../helpers/web-app.ts';

/** Every page and form that names an organization, with a form body the page itself would send. */
const ROUTES: Array<{ method: 'GET' | 'POST'; path: string; form?: Record<string, string> }> = [
  { method: 'GET', path: '' },
  { method: 'GET', path: '/progress' },
  { method: 'GET', path: '/historical' },
  { method: 'GET', path: '/records/RECORD' },
  { method: 'POST', path: '/sync' },
  { method: 'POST', path: '/retry', form: { id: 'RECORD' } },
  { method: 'POST', path: '/settings', form: { direction_people: 'off', conflict_winner: 'cc' } },
  { method: 'POST', path: '/historical', form: { confirm: 'yes' } },
  { method: 'POST', path: '/constantcontact/connect' },
  { method: 'POST', path: '/constantcontact/disconnect' },
  { method: 'POST', path: '/constantcontact/confirm-link', form: { pending: 'x', decision: 'confirm' } },
];

describe('no reaching into another organization or another tenant', () => {
  let t: WebTestApp;
  let attacker: { cookie: string; location: string; csrf: string };
  const targets: Record<string, { id: string; record: string }> = {};

  before(async () => {
    t = await startWebTestApp();
    const victim = await t.signIn({ uid: 'usr-victim', groupUid: 'cld-victim', role: 'Super Admin' });
    const sameTenant = victim.location.split('/').pop()!;
    // The same group id in another tenant: a different organization the attacker's tenant never sees.
    const otherTenant = (
      await t.repos.organizations.upsert({ tenant: 'other', groupUid: 'cld-victim', name: 'Other' })
    ).id;
    for (const [name, id] of [
      ['same tenant', sameTenant],
      ['other tenant', otherTenant],
    ] as const) {
      await t.repos.organizations.link(
        id,
        { id: `acct-${name.replace(' ', '-')}`, name: 'Victim CC' },
        { accessToken: 'a', refreshToken: 'r', expiresAt: new Date(Date.now() + 3600_000).toISOString() },
      );
      const map = await t.repos.idMaps.exclude({
        organizationId: id,
        hubCollection: 'people',
        hubId: `p-${id}`,
        email: 'not-an-email',
        reason: 'no valid email',
        hubHash: 'h',
      });
      targets[name] = { id, record: map.id };
    }
    const signedIn = await t.signIn({ uid: 'usr-attacker', groupUid: 'cld-attacker', role: 'Super Admin' });
    const page = await t.app.inject({
      method: 'GET',
      url: signedIn.location,
      headers: { cookie: signedIn.cookie },
    });
    attacker = { ...signedIn, csrf: /name="_csrf" value="([^"]+)"/.exec(page.body)![1]! };
  });
  after(async () => {
    await t.close();
  });

  for (const target of ['same tenant', 'other tenant']) {
    it(`refuses an admin of one organization every route of an organization of the ${target}`, async () => {
      const { id, record } = targets[target]!;
      const before = await t.repos.organizations.get(id);
      t.scheduler.calls.length = 0;
      for (const route of ROUTES) {
        const url = `/organizations/${id}${route.path.replace('RECORD', record)}`;
        const response = await t.app.inject({
          method: route.method,
          url,
          headers: {
            cookie: attacker.cookie,
            ...(route.method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
          },
          ...(route.method === 'POST'
            ? {
                payload: new URLSearchParams({
                  _csrf: attacker.csrf,
                  ...(route.form ?? {}),
                  ...(route.form?.id ? { id: record } : {}),
                }).toString(),
              }
            : {}),
        });
        assert.equal(response.statusCode, 403, `${route.method} ${url}`);
        assert.equal(JSON.parse(response.body).error.code, 'WEB_NOT_A_MEMBER', `${route.method} ${url}`);
        assert.doesNotMatch(
          response.body,
          /Victim CC|not-an-email/,
          `${route.method} ${url}: nothing of it shown`,
        );
      }
      const after = await t.repos.organizations.get(id);
      assert.deepEqual(after.settings, before.settings, 'settings unchanged');
      assert.equal(after.ccAccount?.id, before.ccAccount?.id, 'still linked');
      assert.deepEqual(t.scheduler.calls, [], 'no run asked for, none cancelled');
    });
  }

  it("refuses a record of another organization under the attacker's own", async () => {
    const own = attacker.location.split('/').pop()!;
    for (const target of Object.values(targets)) {
      const response = await t.app.inject({
        method: 'GET',
        url: `/organizations/${own}/records/${target.record}`,
        headers: { cookie: attacker.cookie },
      });
      assert.equal(response.statusCode, 404);
      assert.doesNotMatch(response.body, /not-an-email/);
    }
  });
});
