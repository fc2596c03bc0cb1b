import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { customFieldLimits } from '../../../sandbox/constantcontact/index.ts';
import { type CcTestEmulator, startCcEmulatorForTest } from '../../helpers/cc-emulator.ts';
import { type CcJson, callCc } from './cc-test-client.ts';

const clientId = 'custom-fields-test-client';
const clients = [{ clientId, clientSecret: 'secret', redirectUris: ['http://127.0.0.1/cb'] }];

describe('CC emulator: custom fields', () => {
  let cc: CcTestEmulator;
  let token: string;
  let otherToken: string;

  before(async () => {
    cc = await startCcEmulatorForTest({
      clients,
      ratePerSecond: 10_000,
      accounts: [
        { accountId: 'acct-cf', username: 'cf@example.com', password: 'pw', organizationName: 'Fields Co' },
        { accountId: 'acct-other', username: 'o@example.com', password: 'pw', organizationName: 'Other Co' },
      ],
    });
    token = cc.grantTokens({ accountId: 'acct-cf', clientId }).access_token;
    otherToken = cc.grantTokens({ accountId: 'acct-other', clientId }).access_token;
  });
  after(async () => {
    await cc.close();
  });

  it('creates, reads, renames and deletes definitions, per account', async () => {
    const created = await callCc(cc, token, 'POST', '/v3/contact_custom_fields', {
      label: 'Vehicle make and model',
      type: 'string',
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.name, 'Vehicle_make_and_model');
    const id = created.body.custom_field_id;

    const got = await callCc(cc, token, 'GET', `/v3/contact_custom_fields/${id}`);
    assert.equal(got.body.label, 'Vehicle make and model');
    const elsewhere = await callCc(cc, otherToken, 'GET', `/v3/contact_custom_fields/${id}`);
    assert.equal(elsewhere.status, 404, 'definitions belong to one account');

    const renamed = await callCc(cc, token, 'PUT', `/v3/contact_custom_fields/${id}`, { label: 'Vehicle' });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.body.label, 'Vehicle');
    assert.equal(renamed.body.type, 'string', 'the type stays');
    const noLabel = await callCc(cc, token, 'PUT', `/v3/contact_custom_fields/${id}`, {});
    assert.equal(noLabel.status, 400, 'a PUT overwrites what it omits, and a field needs its label');

    const listed = await callCc(cc, token, 'GET', '/v3/contact_custom_fields');
    assert.deepEqual(
      listed.body.custom_fields.map((f: CcJson) => f.label),
      ['Vehicle'],
    );
    assert.equal((await callCc(cc, token, 'DELETE', `/v3/contact_custom_fields/${id}`)).status, 204);
    assert.equal((await callCc(cc, token, 'DELETE', `/v3/contact_custom_fields/${id}`)).status, 404);
    cc.assertConformant();
  });

  it('refuses what CC refuses: a taken label (409), an unknown type, a long label, the 101st field', async () => {
    const account = cc.accounts.get('acct-other');
    const first = await callCc(cc, otherToken, 'POST', '/v3/contact_custom_fields', {
      label: 'Member level',
      type: 'string',
    });
    assert.equal(first.status, 201);
    const dup = await callCc(cc, otherToken, 'POST', '/v3/contact_custom_fields', {
      label: 'member LEVEL',
      type: 'string',
    });
    assert.equal(dup.status, 409);
    assert.equal(dup.body[0].error_key, 'contacts.api.conflict');
    const badType = await callCc(cc, otherToken, 'POST', '/v3/contact_custom_fields', {
      label: 'Odd',
      type: 'colour',
    });
    assert.equal(badType.status, 400);
    assert.match(badType.body[0].error_message, /type must be one of/);
    cc.assertConformant();

    const long = await callCc(cc, otherToken, 'POST', '/v3/contact_custom_fields', {
      label: 'x'.repeat(51),
      type: 'string',
    });
    assert.equal(long.status, 400);
    // The 51-character label breaks the spec's maxLength on purpose.
    assert.ok(cc.contractProblems.every((p) => p.includes('request')));
    cc.contractProblems.splice(0);

    for (let i = account.customFields.all().length; i < customFieldLimits.perAccount; i++) {
      account.createCustomFieldAsUser({ label: `Field ${i}` });
    }
    const tooMany = await callCc(cc, otherToken, 'POST', '/v3/contact_custom_fields', {
      label: 'One too many',
      type: 'string',
    });
    assert.equal(tooMany.status, 400);
    assert.match(tooMany.body[0].error_message, /at most 100 custom fields/);

    const page = await callCc(cc, otherToken, 'GET', '/v3/contact_custom_fields?limit=60');
    assert.equal(page.body.custom_fields.length, 60);
    const next = await callCc(cc, otherToken, 'GET', page.body._links.next.href);
    assert.equal(next.body.custom_fields.length, 40);
    assert.deepEqual(next.body._links, {});
    cc.assertConformant();
  });

  it('keeps values on contacts: set by POST and PUT, read with include=custom_fields, checked by type', async () => {
    const account = cc.accounts.get('acct-cf');
    const size = account.createCustomFieldAsUser({ label: 'Frame size', type: 'number' });
    const since = account.createCustomFieldAsUser({ label: 'Rider since', type: 'date' });
    const created = await callCc(cc, token, 'POST', '/v3/contacts', {
      email_address: { address: 'rider@example.com' },
      custom_fields: [
        { custom_field_id: size.custom_field_id, value: '56' },
        { custom_field_id: since.custom_field_id, value: '2019-05-01' },
      ],
      create_source: 'Account',
    });
    assert.equal(created.status, 201);
    const id = created.body.contact_id;

    const plain = await callCc(cc, token, 'GET', `/v3/contacts/${id}`);
    assert.equal(plain.body.custom_fields, undefined, 'only with include');
    const withFields = await callCc(
      cc,
      token,
      'GET',
      `/v3/contacts?email=rider@example.com&include=custom_fields`,
    );
    assert.deepEqual(withFields.body.contacts[0].custom_fields, [
      { custom_field_id: size.custom_field_id, value: '56' },
      { custom_field_id: since.custom_field_id, value: '2019-05-01' },
    ]);

    const bad = await callCc(cc, token, 'PUT', `/v3/contacts/${id}`, {
      email_address: { address: 'rider@example.com' },
      custom_fields: [
        { custom_field_id: size.custom_field_id, value: 'large' },
        { custom_field_id: '3fa85f64-5717-4562-b3fc-2c963f66afa6', value: 'x' },
      ],
      update_source: 'Account',
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(
      bad.body.map((e: CcJson) => e.error_message),
      [
        'The value of custom field "Frame size" must be a number.',
        'custom_fields contains an unknown custom_field_id "3fa85f64-5717-4562-b3fc-2c963f66afa6".',
      ],
    );
    assert.equal(account.contact(id)?.custom_fields?.length, 2, 'a refused PUT changes nothing');

    const tooMany = await callCc(cc, token, 'POST', '/v3/contacts', {
      email_address: { address: 'many-fields@example.com' },
      custom_fields: Array.from({ length: 26 }, () => ({
        custom_field_id: size.custom_field_id,
        value: '1',
      })),
      create_source: 'Account',
    });
    assert.equal(tooMany.status, 400);
    assert.match(tooMany.body[0].error_message, /at most 25 custom_fields/);
    // 26 values break the spec's maxItems on purpose.
    assert.ok(cc.contractProblems.every((p) => p.includes('request')));
    cc.contractProblems.splice(0);

    // Deleting a definition takes its values off every contact.
    await callCc(cc, token, 'DELETE', `/v3/contact_custom_fields/${since.custom_field_id}`);
    assert.deepEqual(account.contact(id)?.custom_fields, [
      { custom_field_id: size.custom_field_id, value: '56' },
    ]);
    cc.assertConformant();
  });

  it("lets the account's user set values by label, touching only the fields named", async () => {
    const account = cc.accounts.get('acct-cf');
    const contact = account.createContactAsUser({ email: 'ui@example.com' });
    account.setCustomFieldsAsUser('ui@example.com', { Shoe: '42', Team: 'Blue' });
    account.setCustomFieldsAsUser(contact.contact_id, { Team: 'Red' });
    const shoe = account.customFields.find('Shoe')!;
    const team = account.customFields.find('Team')!;
    assert.deepEqual(account.contact(contact.contact_id)?.custom_fields, [
      { custom_field_id: shoe.custom_field_id, value: '42' },
      { custom_field_id: team.custom_field_id, value: 'Red' },
    ]);
    account.setCustomFieldsAsUser(contact.contact_id, { Shoe: '' });
    assert.deepEqual(account.contact(contact.contact_id)?.custom_fields, [
      { custom_field_id: team.custom_field_id, value: 'Red' },
    ]);
  });

  it('imports `cf:<name>` columns into existing custom fields, and refuses a row naming an unknown one', async () => {
    const account = cc.accounts.get('acct-cf');
    const list = account.createList('Import list');
    const team = account.customFields.find('Team')!;
    const started = await callCc(cc, token, 'POST', '/v3/activities/contacts_json_import', {
      import_data: [
        { email: 'ui@example.com', 'cf:Team': 'Green' },
        { email: 'new-import@example.com', 'cf:Team': 'Gold' },
        { email: 'unknown-cf@example.com', 'cf:Nope': 'x' },
      ],
      list_ids: [list.list_id],
    });
    assert.equal(started.status, 201);
    let activity = started.body;
    for (let i = 0; i < 50 && activity.state !== 'completed'; i++) {
      await new Promise((r) => setTimeout(r, 10));
      activity = (await callCc(cc, token, 'GET', `/v3/activities/${started.body.activity_id}`)).body;
    }
    assert.equal(activity.state, 'completed');
    assert.equal(activity.status.error_count, 1);
    assert.match(activity.activity_errors[0], /Row 3: cf:Nope names no custom field/);
    const ui = account.contact('ui@example.com')!;
    assert.deepEqual(ui.custom_fields, [{ custom_field_id: team.custom_field_id, value: 'Green' }]);
    assert.deepEqual(account.contact('new-import@example.com')?.custom_fields, [
      { custom_field_id: team.custom_field_id, value: 'Gold' },
    ]);
    assert.equal(account.contact('unknown-cf@example.com'), undefined);
    cc.assertConformant();
  });
});
