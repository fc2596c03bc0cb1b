import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Repositories } from '../../src/db/repositories/index.ts';
import { describeEachDatabase } from '../helpers/databases.ts';

/** An organization with something in every table that holds personal data, and a member of it. */
async function seed(repos: Repositories, groupUid: string, memberUid: string) {
  const organization = await repos.organizations.upsert({
    tenant: 'acme',
    groupUid,
    name: `Shop ${groupUid}`,
  });
  await repos.organizations.link(
    organization.id,
    { id: `acct-${groupUid}`, name: 'Ann Baker' },
    { accessToken: 'a', refreshToken: 'r', expiresAt: '2030-01-01T00:00:00.000Z' },
  );
  const user = await repos.users.upsert({
    tenant: 'acme',
    uid: memberUid,
    email: `${memberUid}@example.com`,
    firstName: 'Ann',
    lastName: 'Baker',
  });
  await repos.users.setMembership(user.id, organization.id, 'Admin');
  const contact = {
    contact_id: `c-${groupUid}`,
    email_address: { address: 'ada@example.com' },
    first_name: 'Ada',
  };
  await repos.ccMirror.recordWritten(organization.id, [contact]);
  await repos.idMaps.link({
    organizationId: organization.id,
    hubCollection: 'people',
    hubId: `p-${groupUid}`,
    ccContactId: contact.contact_id,
    email: 'ada@example.com',
    hubHash: 'h',
    ccHash: 'c',
    snapshot: { hub: { email: 'ada@example.com', first_name: 'Ada' } },
  });
  await repos.idMaps.exclude({
    organizationId: organization.id,
    hubCollection: 'people',
    hubId: `p2-${groupUid}`,
    email: 'not-an-email',
    reason: 'no valid email',
    hubHash: 'h2',
  });
  await repos.syncRuns.start(organization.id, 'manual');
  await repos.cursors.set(organization.id, 'hub', 'people', '2026-03-01T00:00:00.000Z');
  await repos.accessChanges.recordLowered({ tenant: 'acme', userUid: 'usr-gone', groupUid });
  // An alert whose email a mail server refused, quoting the admin's address.
  await repos.alerts.ensure(organization.id, 'needs_reconnect');
  await repos.alerts.claim(organization.id, 'needs_reconnect', 'test', 60_000);
  await repos.alerts.recordSendFailure(
    organization.id,
    'needs_reconnect',
    'test',
    `550 <${memberUid}@example.com>`,
  );
  return { organization, user };
}

describeEachDatabase("erasing an organization's personal data", (db) => {
  it('erases its records, its copy of CC, its runs and members, and keeps other organizations whole', async () => {
    const { repos } = db();
    const deleted = await seed(repos, 'cld-del', 'usr-only-here');
    const kept = await seed(repos, 'cld-keep', 'usr-keep');
    // A member of both: their account stays for the other organization.
    await repos.users.setMembership(kept.user.id, deleted.organization.id, 'Member');
    await repos.auditLog.record({
      tenant: 'acme',
      organizationId: deleted.organization.id,
      actor: 'platform',
      event: 'organization.linked',
      details: { ccAccountId: 'acct-cld-del' },
    });

    await repos.organizations.markDeleted(deleted.organization.id);
    const erased = await repos.personalData.eraseOrganization(deleted.organization.id);

    assert.deepEqual(erased, { records: 2, contacts: 1, runs: 1, members: 2, users: 1 });
    const id = deleted.organization.id;
    assert.equal(
      (
        await repos.idMaps.page(id, {
          states: ['linked', 'excluded', 'failed', 'unlinked'],
          limit: 10,
          offset: 0,
        })
      ).total,
      0,
    );
    assert.equal((await repos.ccMirror.get(id, ['c-cld-del'])).size, 0);
    assert.deepEqual(await repos.syncRuns.listRecent(id, 10), []);
    assert.equal(await repos.cursors.get(id, 'hub', 'people'), null);
    assert.equal(
      await repos.users.find('acme', 'usr-only-here'),
      null,
      'a member of no other organization goes',
    );
    assert.ok(await repos.users.find('acme', 'usr-keep'), 'a member of another organization stays');
    assert.equal(
      await repos.accessChanges.lastLowered({ tenant: 'acme', userUid: 'usr-gone', groupUid: 'cld-del' }),
      null,
    );
    assert.equal(await repos.alerts.find(id, 'needs_reconnect'), null, 'its alerts go');
    const organization = await repos.organizations.get(id);
    assert.ok(organization.deletedAt, 'the row stays, marked deleted');
    assert.equal(organization.ccAccount, null);
    assert.equal((await repos.auditLog.listForOrganization(id, 5)).length, 1, 'the audit log stays');

    const other = kept.organization.id;
    assert.equal(
      (
        await repos.idMaps.page(other, {
          states: ['linked', 'excluded', 'failed', 'unlinked'],
          limit: 10,
          offset: 0,
        })
      ).total,
      2,
    );
    assert.equal((await repos.ccMirror.get(other, ['c-cld-keep'])).size, 1);
    assert.equal((await repos.syncRuns.listRecent(other, 10)).length, 1);
    assert.equal((await repos.users.findMembership(kept.user.id, other))?.role, 'Admin');
    assert.ok(
      await repos.accessChanges.lastLowered({ tenant: 'acme', userUid: 'usr-gone', groupUid: 'cld-keep' }),
    );
    assert.ok(await repos.alerts.find(other, 'needs_reconnect'), "another organization's alerts stay");

    assert.deepEqual(
      await repos.personalData.eraseOrganization(id),
      { records: 0, contacts: 0, runs: 0, members: 0, users: 0 },
      'erasing again finds nothing',
    );
  });
});
