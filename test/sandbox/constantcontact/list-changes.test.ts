import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type CcTestEmulator, startCcEmulatorForTest } from '../../helpers/cc-emulator.ts';
import { type CcJson, callCc } from './cc-test-client.ts';

const clientId = 'lists-client';

async function completed(cc: CcTestEmulator, token: string, href: string): Promise<CcJson> {
  for (let i = 0; i < 500; i += 1) {
    const answer = await callCc(cc, token, 'GET', href);
    if (answer.body.state === 'completed') return answer.body;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`${href} did not complete.`);
}

describe('CC emulator: PUT and DELETE /v3/contact_lists/{list_id}', () => {
  let cc: CcTestEmulator;
  let token: string;

  before(async () => {
    cc = await startCcEmulatorForTest({
      clients: [{ clientId, clientSecret: 's', redirectUris: ['http://127.0.0.1/cb'] }],
      accounts: [
        {
          accountId: 'acct-lists',
          username: 'lists@example.com',
          password: 'pw',
          organizationName: 'Lists Co',
          lists: ['Customer list', 'Lead list'],
        },
      ],
      ratePerSecond: 100_000,
    });
    token = cc.grantTokens({ accountId: 'acct-lists', clientId }).access_token;
  });
  after(async () => {
    cc.assertConformant();
    await cc.close();
  });

  it('renames a list; PUT replaces favorite and description too', async () => {
    const account = cc.accounts.get('acct-lists');
    const list = account.createList('Old name');
    const first = await callCc(cc, token, 'PUT', `/v3/contact_lists/${list.list_id}`, {
      name: 'New name',
      favorite: true,
      description: 'Repeat buyers',
    });
    assert.equal(first.status, 200);
    assert.equal(first.body.name, 'New name');
    assert.equal(first.body.favorite, true);
    assert.equal(first.body.description, 'Repeat buyers');
    const second = await callCc(cc, token, 'PUT', `/v3/contact_lists/${list.list_id}`, { name: 'New name' });
    assert.equal(second.status, 200);
    assert.equal(second.body.favorite, false);
    assert.equal(second.body.description, undefined);
    assert.equal(account.findListByName('Old name'), undefined);
  });

  it('refuses a name another list holds (400: PUT declares no 409) and an unknown list (404)', async () => {
    const list = cc.accounts.get('acct-lists').createList('Mine');
    const taken = await callCc(cc, token, 'PUT', `/v3/contact_lists/${list.list_id}`, { name: 'lead LIST' });
    assert.equal(taken.status, 400);
    assert.deepEqual(taken.body, [
      {
        error_key: 'contacts.api.validation.error',
        error_message: 'The list name "lead LIST" is already in use.',
      },
    ]);
    assert.equal(cc.accounts.get('acct-lists').storedList(list.list_id)?.name, 'Mine');
    const missing = await callCc(cc, token, 'PUT', '/v3/contact_lists/00000000-0000-4000-8000-000000000000', {
      name: 'Whatever',
    });
    assert.equal(missing.status, 404);
    const deleteMissing = await callCc(
      cc,
      token,
      'DELETE',
      '/v3/contact_lists/00000000-0000-4000-8000-000000000000',
    );
    assert.equal(deleteMissing.status, 404);
  });

  it('deletes a list asynchronously (202 and an activity); its members stay, outside it, and are touched', async () => {
    const account = cc.accounts.get('acct-lists');
    const list = account.findListByName('Customer list')!;
    const lead = account.findListByName('Lead list')!;
    const member = account.createContactAsUser({
      email: 'member@example.com',
      lists: ['Customer list', 'Lead list'],
    });
    const before = member.updated_at;
    await new Promise((r) => setTimeout(r, 5));
    const answer = await callCc(cc, token, 'DELETE', `/v3/contact_lists/${list.list_id}`);
    assert.equal(answer.status, 202);
    assert.equal(answer.headers.get('location'), `/v3/activities/${answer.body.activity_id}`);
    assert.equal(answer.body._links.self.href, `/v3/activities/${answer.body.activity_id}`);
    const activity = await completed(cc, token, answer.body._links.self.href);
    assert.equal(activity.status.items_completed_count, 1);
    assert.equal(account.storedList(list.list_id), undefined);
    const lists = await callCc(cc, token, 'GET', '/v3/contact_lists');
    assert.ok(!lists.body.lists.some((l: CcJson) => l.list_id === list.list_id));
    const after = account.contact(member.contact_id)!;
    assert.deepEqual(after.list_memberships, [lead.list_id]);
    assert.ok(after.updated_at > before, 'the member was touched');
    assert.equal((await callCc(cc, token, 'GET', `/v3/contact_lists/${list.list_id}`)).status, 404);
  });

  it('leaves members untouched when listDeleteTouchesContacts is off', async () => {
    cc.knobs.listDeleteTouchesContacts = false;
    try {
      const account = cc.accounts.get('acct-lists');
      const list = account.createList('Quiet list');
      const member = account.createContactAsUser({ email: 'quiet@example.com', lists: ['Quiet list'] });
      await new Promise((r) => setTimeout(r, 5));
      const answer = await callCc(cc, token, 'DELETE', `/v3/contact_lists/${list.list_id}`);
      await completed(cc, token, answer.body._links.self.href);
      const after = account.contact(member.contact_id)!;
      assert.deepEqual(after.list_memberships, []);
      assert.equal(after.updated_at, member.updated_at);
    } finally {
      cc.knobs.listDeleteTouchesContacts = true;
    }
  });

  it('refuses to delete a list while the account has as many queued activities as CC allows (429)', async () => {
    const account = cc.accounts.get('acct-lists');
    const list = account.createList('Busy list');
    cc.knobs.activityQueueLimit = 0;
    try {
      const answer = await callCc(cc, token, 'DELETE', `/v3/contact_lists/${list.list_id}`);
      assert.equal(answer.status, 429);
      assert.match(answer.body.error_message, /queued activities/);
      assert.ok(account.storedList(list.list_id), 'the list is still there');
    } finally {
      cc.knobs.activityQueueLimit = 1000;
    }
  });
});
