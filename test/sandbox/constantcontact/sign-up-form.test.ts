import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type CcTestEmulator, startCcEmulatorForTest } from '../../helpers/cc-emulator.ts';
import { callCc } from './cc-test-client.ts';

const clientId = 'signup-client';

describe('CC emulator: POST /v3/contacts/sign_up_form', () => {
  let cc: CcTestEmulator;
  let token: string;
  let customers: string;
  let leads: string;

  before(async () => {
    cc = await startCcEmulatorForTest({
      clients: [{ clientId, clientSecret: 's', redirectUris: ['http://127.0.0.1/cb'] }],
      accounts: [
        {
          accountId: 'acct-form',
          username: 'form@example.com',
          password: 'pw',
          organizationName: 'Form Co',
          lists: ['Customer list', 'Lead list'],
        },
      ],
      ratePerSecond: 100_000,
    });
    token = cc.grantTokens({ accountId: 'acct-form', clientId }).access_token;
    const account = cc.accounts.get('acct-form');
    customers = account.findListByName('Customer list')!.list_id;
    leads = account.findListByName('Lead list')!.list_id;
  });
  after(async () => {
    cc.assertConformant();
    await cc.close();
  });

  it('creates a new email as an explicit contact opted in by the contact (201, action created)', async () => {
    const answer = await callCc(cc, token, 'POST', '/v3/contacts/sign_up_form', {
      email_address: 'new.form@example.com',
      first_name: 'Nina',
      phone_number: '555-0100',
      street_address: { kind: 'home', city: 'Waltham' },
      list_memberships: [customers],
    });
    assert.equal(answer.status, 201);
    assert.equal(answer.body.action, 'created');
    const contact = cc.accounts.get('acct-form').contact('new.form@example.com')!;
    assert.equal(answer.body.contact_id, contact.contact_id);
    assert.equal(contact.email_address.permission_to_send, 'explicit');
    assert.equal(contact.email_address.opt_in_source, 'Contact');
    assert.equal(contact.create_source, 'Contact');
    assert.equal(contact.first_name, 'Nina');
    assert.deepEqual(
      contact.phone_numbers?.map((p) => [p.kind, p.phone_number]),
      [['other', '555-0100']],
    );
    assert.equal(contact.street_addresses?.[0]?.city, 'Waltham');
    assert.deepEqual(contact.list_memberships, [customers]);
  });

  it('updates the contact holding the email (any case) partially, appends lists, and makes it explicit (200)', async () => {
    const account = cc.accounts.get('acct-form');
    const existing = account.createContactAsUser({
      email: 'Known@Example.com',
      first_name: 'Kim',
      last_name: 'Keep',
      lists: ['Customer list'],
    });
    account.optOut(existing.contact_id);
    const answer = await callCc(cc, token, 'POST', '/v3/contacts/sign_up_form', {
      email_address: 'known@example.com',
      first_name: 'Kimberly',
      list_memberships: [leads],
    });
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, { contact_id: existing.contact_id, action: 'updated' });
    const after = account.contact(existing.contact_id)!;
    assert.equal(after.first_name, 'Kimberly');
    assert.equal(after.last_name, 'Keep', 'a field the form leaves out is kept');
    assert.deepEqual(after.list_memberships, [customers, leads]);
    assert.equal(after.email_address.permission_to_send, 'explicit');
    assert.equal(after.update_source, 'Contact');
  });

  it('restores a deleted contact', async () => {
    const account = cc.accounts.get('acct-form');
    const gone = account.createContactAsUser({ email: 'gone.form@example.com' });
    account.deleteContactAsUser(gone.contact_id);
    const answer = await callCc(cc, token, 'POST', '/v3/contacts/sign_up_form', {
      email_address: 'gone.form@example.com',
      list_memberships: [customers],
    });
    assert.equal(answer.status, 200);
    assert.equal(answer.body.action, 'updated');
    const after = account.contact(gone.contact_id)!;
    assert.equal(after.deleted_at, undefined);
    assert.deepEqual(after.list_memberships, [customers]);
  });

  it('makes new contacts pending confirmation when the account has Confirmed Opt-In', async () => {
    cc.knobs.confirmedOptIn = true;
    try {
      const answer = await callCc(cc, token, 'POST', '/v3/contacts/sign_up_form', {
        email_address: 'coi@example.com',
        list_memberships: [customers],
      });
      assert.equal(answer.status, 201);
      const contact = cc.accounts.get('acct-form').contact('coi@example.com')!;
      assert.equal(contact.email_address.permission_to_send, 'pending_confirmation');
    } finally {
      cc.knobs.confirmedOptIn = false;
    }
  });

  it('refuses an unknown list and a form without an email, changing nothing', async () => {
    const unknownList = await callCc(cc, token, 'POST', '/v3/contacts/sign_up_form', {
      email_address: 'nolist@example.com',
      list_memberships: ['00000000-0000-4000-8000-000000000000'],
    });
    assert.equal(unknownList.status, 400);
    assert.match(unknownList.body[0].error_message, /unknown list_id/);
    assert.equal(cc.accounts.get('acct-form').contact('nolist@example.com'), undefined);
    const noEmail = await callCc(cc, token, 'POST', '/v3/contacts/sign_up_form', {
      first_name: 'Anon',
      list_memberships: [customers],
    });
    assert.equal(noEmail.status, 400);
    assert.deepEqual(noEmail.body, [
      { error_key: 'contacts.api.validation.error', error_message: 'email_address is required.' },
    ]);
  });
});

describe('CC emulator: sign-up form limits', () => {
  let cc: CcTestEmulator;
  let token: string;

  before(async () => {
    cc = await startCcEmulatorForTest({
      checkRequests: false,
      clients: [{ clientId, clientSecret: 's', redirectUris: ['http://127.0.0.1/cb'] }],
      accounts: [
        {
          accountId: 'acct-form2',
          username: 'form2@example.com',
          password: 'pw',
          organizationName: 'Form Co',
          lists: ['Customer list'],
        },
      ],
      ratePerSecond: 100_000,
    });
    token = cc.grantTokens({ accountId: 'acct-form2', clientId }).access_token;
  });
  after(async () => {
    cc.assertConformant();
    await cc.close();
  });

  it('takes emails of at most 50 characters and requires list_memberships', async () => {
    const listId = cc.accounts.get('acct-form2').findListByName('Customer list')!.list_id;
    const long = await callCc(cc, token, 'POST', '/v3/contacts/sign_up_form', {
      email_address: `${'c'.repeat(39)}@example.com`,
      list_memberships: [listId],
    });
    assert.equal(long.status, 400);
    assert.deepEqual(long.body, [
      {
        error_key: 'contacts.api.validation.error',
        error_message: 'email_address exceeds the maximum length of 50.',
      },
    ]);
    const noLists = await callCc(cc, token, 'POST', '/v3/contacts/sign_up_form', {
      email_address: 'nolists@example.com',
    });
    assert.equal(noLists.status, 400);
    assert.match(noLists.body[0].error_message, /^list_memberships:/);
    assert.equal(cc.accounts.get('acct-form2').contacts().length, 0);
  });
});
