import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startWebTestApp, type WebTestApp } from '../helpers/web-app.ts';

const form = (fields: Record<string, string>) => ({
  payload: new URLSearchParams(fields).toString(),
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
});

describe('the connector page: sessions, membership, CSRF and security headers', () => {
  let t: WebTestApp;
  let admin: { cookie: string; location: string };
  let csrf: string;

  before(async () => {
    t = await startWebTestApp();
    admin = await t.signIn({
      uid: 'usr-admin',
      groupUid: 'cld-a',
      groupName: 'Alpha <b>Bikes</b>',
      role: 'Admin',
    });
    const organizationId = admin.location.split('/').pop()!;
    await t.repos.organizations.link(
      organizationId,
      { id: 'acct-a', name: 'Alpha CC' },
      {
        accessToken: 'a',
        refreshToken: 'r',
        expiresAt: new Date(Date.now() + 3600_000).toISOString(),
      },
    );
    const page = await t.app.inject({
      method: 'GET',
      url: admin.location,
      headers: { cookie: admin.cookie },
    });
    csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
  });
  after(async () => {
    await t.close();
  });

  it('renders the page for a member, escaped, with a CSP that allows only our own scripts', async () => {
    const page = await t.app.inject({
      method: 'GET',
      url: admin.location,
      headers: { cookie: admin.cookie },
    });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Alpha &lt;b&gt;Bikes&lt;\/b&gt;/);
    assert.match(page.body, /Synchronize now/);
    assert.match(page.body, /src="\/assets\/htmx.min.js"/);
    const csp = String(page.headers['content-security-policy']);
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.equal(page.headers['x-frame-options'], 'SAMEORIGIN');
    const htmx = await t.app.inject({ method: 'GET', url: '/assets/htmx.min.js' });
    assert.equal(htmx.statusCode, 200);
    assert.match(htmx.body, /htmx/);
  });

  it('answers 401 without a session or with a tampered cookie, and 403 for another organization', async () => {
    assert.equal((await t.app.inject({ method: 'GET', url: admin.location })).statusCode, 401);
    const tampered = `${admin.cookie.slice(0, -3)}xyz`;
    assert.equal(
      (await t.app.inject({ method: 'GET', url: admin.location, headers: { cookie: tampered } })).statusCode,
      401,
    );
    const other = await t.signIn({ uid: 'usr-other', groupUid: 'cld-other' });
    const response = await t.app.inject({
      method: 'GET',
      url: admin.location,
      headers: { cookie: other.cookie },
    });
    assert.equal(response.statusCode, 403);
    assert.equal(
      (
        await t.app.inject({
          method: 'GET',
          url: '/organizations/not-a-uuid',
          headers: { cookie: admin.cookie },
        })
      ).statusCode,
      403,
    );
  });

  it('refuses every form post without the session CSRF token, and accepts it with', async () => {
    const paths = [
      'sync',
      'retry',
      'settings',
      'historical',
      'constantcontact/connect',
      'constantcontact/disconnect',
    ];
    for (const path of paths) {
      const missing = await t.app.inject({
        method: 'POST',
        url: `${admin.location}/${path}`,
        headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: '',
      });
      assert.equal(missing.statusCode, 403, path);
      assert.equal(missing.json().error.code, 'WEB_CSRF_INVALID', path);
      const wrong = await t.app.inject({
        method: 'POST',
        url: `${admin.location}/${path}`,
        ...form({ _csrf: 'forged' }),
        headers: { ...form({}).headers, cookie: admin.cookie },
      });
      assert.equal(wrong.statusCode, 403, path);
    }
    const noSession = await t.app.inject({
      method: 'POST',
      url: `${admin.location}/sync`,
      ...form({ _csrf: csrf }),
    });
    assert.equal(noSession.statusCode, 401);
    assert.equal(t.scheduler.calls.length, 0, 'nothing was requested');

    const ok = await t.app.inject({
      method: 'POST',
      url: `${admin.location}/sync`,
      payload: new URLSearchParams({ _csrf: csrf }).toString(),
      headers: { ...form({}).headers, cookie: admin.cookie },
    });
    assert.equal(ok.statusCode, 303);
    assert.match(String(ok.headers.location), /notice=sync_requested/);
    assert.deepEqual(t.scheduler.calls.at(-1), {
      method: 'request',
      organizationId: admin.location.split('/').pop(),
      trigger: 'manual',
    });
    const viaHeader = await t.app.inject({
      method: 'POST',
      url: `${admin.location}/sync`,
      headers: { cookie: admin.cookie, 'x-csrf-token': csrf },
    });
    assert.equal(viaHeader.statusCode, 303, 'htmx sends the token as a header');
  });

  it('saves settings from the form and audits the change; refuses values the page does not offer', async () => {
    const fields = {
      _csrf: csrf,
      direction_people: 'hub_to_cc',
      direction_organizations: 'both',
      direction_employees: 'off',
      direction_company: 'both',
      conflict_winner: 'cc',
      hard_deletes: 'yes',
    };
    const post = (f: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url: `${admin.location}/settings`,
        payload: new URLSearchParams(f).toString(),
        headers: { ...form({}).headers, cookie: admin.cookie },
      });
    assert.equal((await post(fields)).statusCode, 303);
    const organizationId = admin.location.split('/').pop()!;
    const organization = await t.repos.organizations.get(organizationId);
    assert.equal(organization.settings.directions.people, 'hub_to_cc');
    assert.equal(organization.settings.directions.employees, 'off');
    assert.equal(organization.settings.conflictWinner, 'cc');
    assert.equal(organization.settings.hardDeletes, true);
    const audit = await t.repos.auditLog.listForOrganization(organizationId);
    assert.ok(audit.some((e) => e.event === 'organization.settings_changed'));
    assert.equal((await post({ ...fields, direction_people: 'sideways' })).statusCode, 400);
  });

  it('shares historical data only with the confirmation ticked, resets the cursors and asks for a run', async () => {
    const organizationId = admin.location.split('/').pop()!;
    await t.repos.cursors.set(organizationId, 'hub', 'people', '2026-01-01T00:00:00Z');
    const post = (f: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url: `${admin.location}/historical`,
        payload: new URLSearchParams(f).toString(),
        headers: { ...form({}).headers, cookie: admin.cookie },
      });
    assert.equal((await post({ _csrf: csrf })).statusCode, 400);
    assert.equal((await t.repos.organizations.get(organizationId)).settings.shareHistorical, false);
    const preview = await t.app.inject({
      method: 'GET',
      url: `${admin.location}/historical`,
      headers: { cookie: admin.cookie },
    });
    assert.equal(preview.statusCode, 200);
    assert.match(preview.body, /cannot be undone/);
    assert.equal((await post({ _csrf: csrf, confirm: 'yes' })).statusCode, 303);
    assert.equal((await t.repos.organizations.get(organizationId)).settings.shareHistorical, true);
    assert.deepEqual(await t.repos.cursors.list(organizationId), []);
    assert.deepEqual(t.scheduler.calls.at(-1), { method: 'request', organizationId, trigger: 'historical' });
  });

  it('lets a member synchronize but not change settings or disconnect', async () => {
    const member = await t.signIn({
      uid: 'usr-member',
      groupUid: 'cld-a',
      groupName: 'Alpha Bikes',
      role: 'Member',
    });
    assert.equal(member.location, 'https://app.constantcontact.com', 'linked: the launch opens CC');
    member.location = admin.location;
    const page = await t.app.inject({
      method: 'GET',
      url: member.location,
      headers: { cookie: member.cookie },
    });
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    assert.match(page.body, /<fieldset disabled>/);
    const post = (path: string, extra: Record<string, string> = {}) =>
      t.app.inject({
        method: 'POST',
        url: `${member.location}/${path}`,
        payload: new URLSearchParams({ _csrf: token, ...extra }).toString(),
        headers: { ...form({}).headers, cookie: member.cookie },
      });
    assert.equal((await post('sync')).statusCode, 303);
    assert.equal((await post('constantcontact/disconnect')).statusCode, 403);
    assert.equal((await post('constantcontact/connect')).statusCode, 403);
    assert.ok((await t.repos.organizations.get(member.location.split('/').pop()!)).ccAccount, 'still linked');
  });

  it('disconnects: stops the work of the organization, unlinks, and forgets what it knew of the account', async () => {
    const organizationId = admin.location.split('/').pop()!;
    await t.repos.idMaps.link({
      organizationId,
      hubCollection: 'people',
      hubId: 'p-1',
      ccContactId: 'c-1',
      email: 'p1@example.com',
      hubHash: null,
      ccHash: null,
      snapshot: null,
    });
    await t.repos.cursors.set(organizationId, 'cc', 'contacts', '2026-01-01T00:00:00.000Z');
    const response = await t.app.inject({
      method: 'POST',
      url: `${admin.location}/constantcontact/disconnect`,
      payload: new URLSearchParams({ _csrf: csrf }).toString(),
      headers: { ...form({}).headers, cookie: admin.cookie },
    });
    assert.equal(response.statusCode, 303);
    assert.deepEqual(t.scheduler.calls.at(-1), { method: 'cancel', organizationId });
    assert.equal((await t.repos.organizations.get(organizationId)).ccAccount, null);
    assert.equal(await t.repos.organizations.getTokens(organizationId), null);
    assert.equal(await t.repos.idMaps.findByHub(organizationId, 'people', 'p-1'), null);
    assert.deepEqual(await t.repos.cursors.list(organizationId), []);
    const [entry] = await t.repos.auditLog.listForOrganization(organizationId, 1);
    assert.equal(entry?.event, 'organization.unlinked');
  });
});
