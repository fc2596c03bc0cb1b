import assert from 'node:assert/strict';
import { it } from 'node:test';
import { canChangeSettings } from '../../src/model/user.ts';
import { describeEachDatabase } from '../helpers/databases.ts';

describeEachDatabase('users and memberships', (db) => {
  it('creates a user on first sign-in and updates them after, one row per tenant and uid', async () => {
    const { users } = db().repos;
    const first = await users.upsert({
      tenant: 'maestrano',
      uid: 'usr-1',
      email: 'jo@example.com',
      firstName: 'Jo',
    });
    const again = await users.upsert({
      tenant: 'maestrano',
      uid: 'usr-1',
      email: 'jo@new.example.com',
      lastName: 'Lee',
    });
    assert.equal(again.id, first.id);
    assert.equal(again.email, 'jo@new.example.com');
    assert.equal(again.lastName, 'Lee');
    const other = await users.upsert({ tenant: 'other', uid: 'usr-1', email: 'jo@example.com' });
    assert.notEqual(other.id, first.id, 'the same uid in another tenant is another person');
    assert.equal((await users.find('maestrano', 'usr-1'))?.id, first.id);
    assert.equal(await users.find('maestrano', 'usr-404'), null);
  });

  it('keeps one role per user and organization, as the platform last said, and ends access on removal', async () => {
    const { users, organizations } = db().repos;
    const user = await users.upsert({ tenant: 'maestrano', uid: 'usr-2', email: 'sam@example.com' });
    const org = await organizations.upsert({ tenant: 'maestrano', groupUid: 'cld-m', name: 'M' });
    await users.setMembership(user.id, org.id, 'Member');
    await users.setMembership(user.id, org.id, 'Admin');
    assert.deepEqual(await users.listMemberships(user.id), [
      { userId: user.id, organizationId: org.id, role: 'Admin' },
    ]);
    assert.equal((await users.findMembership(user.id, org.id))?.role, 'Admin');

    assert.equal(await users.removeMembership(user.id, org.id), true);
    assert.equal(await users.findMembership(user.id, org.id), null);
    assert.equal(await users.removeMembership(user.id, org.id), false);
  });

  it('refuses a role the platform does not have', async () => {
    const { users, organizations } = db().repos;
    const user = await users.upsert({ tenant: 'maestrano', uid: 'usr-3', email: 'x@example.com' });
    const org = await organizations.upsert({ tenant: 'maestrano', groupUid: 'cld-r', name: 'R' });
    await assert.rejects(users.setMembership(user.id, org.id, 'Owner' as never));
  });

  it('lets only admins change settings', () => {
    assert.deepEqual((['Member', 'Power User', 'Admin', 'Super Admin'] as const).map(canChangeSettings), [
      false,
      false,
      true,
      true,
    ]);
  });
});
