import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type CcTestEmulator, startCcEmulatorForTest } from '../../helpers/cc-emulator.ts';
import { type CcJson, callCc } from './cc-test-client.ts';

const clientId = 'sources-client';
const validationKey = 'contacts.api.validation.error';

async function completed(cc: CcTestEmulator, token: string, activityId: string): Promise<CcJson> {
  for (let i = 0; i < 500; i += 1) {
    const answer = await callCc(cc, token, 'GET', `/v3/activities/${activityId}`);
    if (answer.body.state === 'completed') return answer.body;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`Activity ${activityId} did not complete.`);
}

describe('CC emulator: validation as the spec states it', () => {
  let cc: CcTestEmulator;
  let token: string;
  let listId: string;

  before(async () => {
    // Requests here are deliberately wrong; answers are still checked against the contract.
    cc = await startCcEmulatorForTest({
      checkRequests: false,
      clients: [{ clientId, clientSecret: 's', redirectUris: ['http://127.0.0.1/cb'] }],
      accounts: [
        {
          accountId: 'acct-src',
          username: 'src@example.com',
          password: 'pw',
          organizationName: 'Src Co',
          lists: ['Customer list'],
        },
      ],
      ratePerSecond: 100_000,
    });
    token = cc.grantTokens({ accountId: 'acct-src', clientId }).access_token;
    listId = cc.accounts.get('acct-src').findListByName('Customer list')!.list_id;
  });
  after(async () => {
    cc.assertConformant();
    await cc.close();
  });

  it('refuses POST /v3/contacts without create_source, or with a value other than Contact or Account', async () => {
    const missing = await callCc(cc, token, 'POST', '/v3/contacts', {
      email_address: { address: 'nosource@example.com' },
    });
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.body, [
      { error_key: validationKey, error_message: 'create_source is required.' },
    ]);
    const wrong = await callCc(cc, token, 'POST', '/v3/contacts', {
      email_address: { address: 'nosource@example.com' },
      create_source: 'Robot',
    });
    assert.equal(wrong.status, 400);
    assert.match(wrong.body[0].error_message, /create_source must be one of Contact or Account/);
    assert.equal(cc.accounts.get('acct-src').contact('nosource@example.com'), undefined);
    const ok = await callCc(cc, token, 'POST', '/v3/contacts', {
      email_address: { address: 'nosource@example.com' },
      create_source: 'Contact',
    });
    assert.equal(ok.status, 201);
    assert.equal(ok.body.create_source, 'Contact');
  });

  it('revives a deleted contact only with update_source Account', async () => {
    const account = cc.accounts.get('acct-src');
    const contact = account.createContactAsUser({ email: 'revive@example.com', first_name: 'Re' });
    account.deleteContactAsUser(contact.contact_id);
    const body = { email_address: { address: 'revive@example.com' }, first_name: 'Re' };
    const asContact = await callCc(cc, token, 'PUT', `/v3/contacts/${contact.contact_id}`, {
      ...body,
      update_source: 'Contact',
    });
    assert.equal(asContact.status, 400);
    assert.deepEqual(asContact.body, [
      {
        error_key: validationKey,
        error_message: 'To restore a deleted contact, update_source must be Account.',
      },
    ]);
    assert.ok(account.contact(contact.contact_id)?.deleted_at, 'still deleted');
    const asAccount = await callCc(cc, token, 'PUT', `/v3/contacts/${contact.contact_id}`, {
      ...body,
      update_source: 'Account',
    });
    assert.equal(asAccount.status, 200);
    assert.equal(asAccount.body.deleted_at, undefined);
  });

  it('refuses an update_source other than Contact or Account on PUT', async () => {
    const contact = cc.accounts.get('acct-src').createContactAsUser({ email: 'put-src@example.com' });
    const answer = await callCc(cc, token, 'PUT', `/v3/contacts/${contact.contact_id}`, {
      email_address: { address: 'put-src@example.com' },
      update_source: 'Partner',
    });
    assert.equal(answer.status, 400);
    assert.match(answer.body[0].error_message, /update_source must be one of Contact or Account/);
  });

  it('imports emails of at most 50 characters and reports a longer one as a refused row', async () => {
    const fifty = `${'a'.repeat(38)}@example.com`;
    const fiftyOne = `${'b'.repeat(39)}@example.com`;
    assert.equal(fifty.length, 50);
    assert.equal(fiftyOne.length, 51);
    const answer = await callCc(cc, token, 'POST', '/v3/activities/contacts_json_import', {
      import_data: [{ email: fifty }, { email: fiftyOne }],
      list_ids: [listId],
    });
    assert.equal(answer.status, 201);
    const activity = await completed(cc, token, answer.body.activity_id);
    assert.equal(activity.status.person_count, 1);
    assert.equal(activity.status.error_count, 1);
    assert.deepEqual(activity.activity_errors, ['Row 2: email exceeds the maximum length of 50.']);
    const account = cc.accounts.get('acct-src');
    assert.ok(account.contact(fifty));
    assert.equal(account.contact(fiftyOne), undefined);
  });
});
