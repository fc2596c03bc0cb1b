import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { auth, startWebTestApp, type WebTestApp } from '../helpers/web-app.ts';

const person = (groupId: string, id = 'p-1') => ({
  id: [{ id, provider: 'connec', realm: groupId }],
  group_id: groupId,
  first_name: 'Ann',
});

describe('platform endpoints: Connec! notifications and account webhooks', () => {
  let t: WebTestApp;
  let linkedId: string;
  let unlinkedId: string;
  let member: { cookie: string; location: string };

  before(async () => {
    t = await startWebTestApp();
    member = await t.signIn({ uid: 'usr-1', groupUid: 'cld-linked', role: 'Member' });
    linkedId = member.location.split('/').pop()!;
    await t.repos.organizations.link(
      linkedId,
      { id: 'acct-l', name: 'Linked' },
      {
        accessToken: 'access',
        refreshToken: 'refresh',
        expiresAt: new Date(Date.now() + 3600_000).toISOString(),
      },
    );
    unlinkedId = (await t.signIn({ uid: 'usr-2', groupUid: 'cld-unlinked' })).location.split('/').pop()!;
  });
  after(async () => {
    await t.close();
  });
  beforeEach(() => {
    t.scheduler.calls.length = 0;
  });

  const notify = (body: unknown, authorization = auth(t.tenant)) =>
    t.app.inject({
      method: 'POST',
      url: '/maestrano/connec/notifications/acme',
      payload: JSON.stringify(body),
      headers: { 'content-type': 'application/json', authorization },
    });

  it('turns a notification into one debounced run per linked organization it names, and drops the rest', async () => {
    const response = await notify({
      people: [
        person('cld-linked', 'p-1'),
        person('cld-linked', 'p-2'),
        person('cld-unlinked'),
        person('cld-unknown'),
      ],
      organizations: [{ ...person('cld-linked', 'o-1'), name: 'Org' }],
    });
    assert.equal(response.statusCode, 202);
    assert.deepEqual(t.scheduler.calls, [{ method: 'notify', organizationId: linkedId }]);
    assert.ok(unlinkedId);
  });

  it('answers 401 to wrong credentials and 400 to a bad body, handing nothing on', async () => {
    assert.equal(
      (await notify({ people: [person('cld-linked')] }, auth({ apiId: 'acme-api-id', apiKey: 'nope' })))
        .statusCode,
      401,
    );
    assert.equal((await notify({ people: [{ first_name: 'no ids' }] })).statusCode, 400);
    assert.equal(t.scheduler.calls.length, 0);
  });

  it('removes a member: their session no longer reaches the organization', async () => {
    const before = await t.app.inject({
      method: 'GET',
      url: `/organizations/${linkedId}`,
      headers: { cookie: member.cookie },
    });
    assert.equal(before.statusCode, 200);
    const url = '/maestrano/account/groups/cld-linked/users/usr-1/acme';
    assert.equal((await t.app.inject({ method: 'DELETE', url })).statusCode, 401);
    const removed = await t.app.inject({ method: 'DELETE', url, headers: { authorization: auth(t.tenant) } });
    assert.equal(removed.statusCode, 200);
    const afterRemoval = await t.app.inject({
      method: 'GET',
      url: `/organizations/${linkedId}`,
      headers: { cookie: member.cookie },
    });
    assert.equal(afterRemoval.statusCode, 403);
    assert.equal(
      (await t.app.inject({ method: 'DELETE', url, headers: { authorization: auth(t.tenant) } })).statusCode,
      200,
      'idempotent',
    );
  });

  it('deletes an organization for good: cancels its work, erases its tokens, audits, drops later notifications', async () => {
    const url = '/maestrano/account/groups/cld-linked/acme';
    assert.equal(
      (
        await t.app.inject({
          method: 'DELETE',
          url,
          headers: { authorization: auth({ apiId: 'x', apiKey: 'y' }) },
        })
      ).statusCode,
      401,
    );
    assert.ok(await t.repos.organizations.getTokens(linkedId));
    const response = await t.app.inject({
      method: 'DELETE',
      url,
      headers: { authorization: auth(t.tenant) },
    });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(t.scheduler.calls, [{ method: 'cancel', organizationId: linkedId }]);
    const organization = await t.repos.organizations.get(linkedId);
    assert.ok(organization.deletedAt);
    assert.equal(organization.ccAccount, null);
    assert.equal(await t.repos.organizations.getTokens(linkedId), null);
    const audit = await t.repos.auditLog.listForOrganization(linkedId);
    assert.equal(audit[0]?.event, 'organization.deleted');
    assert.equal(audit[0]?.actor, 'platform');
    // Its one member was removed by the platform before (the test above), and erased then.
    assert.deepEqual(audit[0]?.details.erased, { records: 0, contacts: 0, runs: 0, members: 0, users: 0 });
    assert.equal(await t.repos.users.find('acme', 'usr-1'), null);
    assert.doesNotMatch(JSON.stringify(audit), /@example\.com/, 'the audit log keeps no email');

    const page = await t.app.inject({
      method: 'GET',
      url: `/organizations/${linkedId}`,
      headers: { cookie: member.cookie, accept: 'text/html' },
    });
    assert.equal(page.statusCode, 410, 'its page says it is gone, not that the user is no member');
    assert.match(page.body, /This organization was deleted on the platform/);

    t.scheduler.calls.length = 0;
    assert.equal((await notify({ people: [person('cld-linked')] })).statusCode, 202, 'acknowledged');
    assert.equal(t.scheduler.calls.length, 0, 'and dropped');
    assert.equal(
      (await t.app.inject({ method: 'DELETE', url, headers: { authorization: auth(t.tenant) } })).statusCode,
      200,
    );
  });
});
