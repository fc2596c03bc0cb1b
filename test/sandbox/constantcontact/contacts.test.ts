import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../../sandbox/shared/clock.ts';
import { type CcTestEmulator, startCcEmulatorForTest } from '../../helpers/cc-emulator.ts';
import { type CcAnswer, type CcJson, callCc } from './cc-test-client.ts';

const clientId = 'contacts-test-client';
const clients = [{ clientId, clientSecret: 'secret', redirectUris: ['http://127.0.0.1/cb'] }];

describe('CC emulator: contacts', () => {
  let cc: CcTestEmulator;
  let token: string;
  const clock = new ManualClock('2026-03-01T10:00:00.000Z');

  before(async () => {
    cc = await startCcEmulatorForTest({
      clock,
      clients,
      ratePerSecond: 10_000,
      // The clock jumps weeks here; token expiry has its own tests.
      accessTokenTtlSeconds: 365 * 86_400,
      accounts: [
        {
          accountId: 'acct-paging',
          username: 'paging@example.com',
          password: 'pw',
          organizationName: 'Paging Co',
          lists: ['Customer list'],
          contacts: Array.from({ length: 1200 }, (_, i) => ({
            first_name: `P${i}`,
            lists: i % 2 === 0 ? ['Customer list'] : [],
          })),
        },
        { accountId: 'acct-main', username: 'main@example.com', password: 'pw', organizationName: 'Main Co' },
      ],
    });
    token = cc.grantTokens({ accountId: 'acct-main', clientId }).access_token;
  });
  after(async () => {
    await cc.close();
  });

  it('pages through 1,200 contacts by the opaque cursor, with include_count', async () => {
    const pagingToken = cc.grantTokens({ accountId: 'acct-paging', clientId }).access_token;
    const seen = new Set<string>();
    let path: string | null = '/v3/contacts?limit=500&include_count=true&include=list_memberships';
    const pageSizes: number[] = [];
    while (path) {
      const page: CcAnswer = await callCc(cc, pagingToken, 'GET', path);
      assert.equal(page.status, 200);
      assert.equal(page.body.contacts_count, 1200);
      pageSizes.push(page.body.contacts.length);
      for (const c of page.body.contacts) {
        assert.ok(Array.isArray(c.list_memberships));
        seen.add(c.contact_id);
      }
      path = page.body._links?.next?.href ?? null;
      if (path) assert.match(path, /^\/v3\/contacts\?cursor=[A-Za-z0-9_-]+$/);
    }
    assert.deepEqual(pageSizes, [500, 500, 200]);
    assert.equal(seen.size, 1200);

    const defaults = await callCc(cc, pagingToken, 'GET', '/v3/contacts');
    assert.equal(defaults.body.contacts.length, 50, 'the default page is 50');
    assert.equal(defaults.body.contacts_count, undefined, 'no count unless asked');
    assert.equal(defaults.body.contacts[0].list_memberships, undefined, 'sub-resources only with include');

    const listId = cc.accounts.get('acct-paging').findListByName('Customer list')!.list_id;
    const inList = await callCc(
      cc,
      pagingToken,
      'GET',
      `/v3/contacts?lists=${listId}&include_count=true&limit=1`,
    );
    assert.equal(inList.body.contacts_count, 600);

    const tooMany = await callCc(cc, pagingToken, 'GET', '/v3/contacts?limit=501');
    assert.equal(tooMany.status, 400);
    // limit=501 breaks the spec on purpose; it must be the only problem seen.
    assert.deepEqual(cc.contractProblems, ['GET /contacts request: query parameter "limit" must be <= 500']);
    cc.contractProblems.splice(0);
  });

  it("answers 409 contacts.api.conflict for an existing email, and for a deleted contact's email", async () => {
    const first = await callCc(cc, token, 'POST', '/v3/contacts', {
      email_address: { address: 'dup@example.com' },
      first_name: 'Dee',
      create_source: 'Account',
    });
    assert.equal(first.status, 201);
    const again = await callCc(cc, token, 'POST', '/v3/contacts', {
      email_address: { address: 'DUP@example.com' },
      create_source: 'Account',
    });
    assert.equal(again.status, 409);
    // CC's words, as reported on its API support forum: neither the email nor its holder is named.
    assert.deepEqual(again.body, [
      { error_key: 'contacts.api.conflict', error_message: 'Validation failed: EmailAddress is not unique' },
    ]);

    const gone = await callCc(cc, token, 'POST', '/v3/contacts', {
      email_address: { address: 'gone@example.com' },
      create_source: 'Account',
    });
    assert.equal((await callCc(cc, token, 'DELETE', `/v3/contacts/${gone.body.contact_id}`)).status, 204);
    const revived = await callCc(cc, token, 'POST', '/v3/contacts', {
      email_address: { address: 'gone@example.com' },
      create_source: 'Account',
    });
    assert.equal(revived.status, 409);
    assert.deepEqual(revived.body, again.body, 'the same answer for a deleted contact');
    cc.assertConformant();
  });

  it('answers 409 for a duplicate list name', async () => {
    const created = await callCc(cc, token, 'POST', '/v3/contact_lists', { name: 'Supplier list' });
    assert.equal(created.status, 201);
    assert.match(created.body.list_id, /^[0-9a-f-]{36}$/);
    const dup = await callCc(cc, token, 'POST', '/v3/contact_lists', { name: 'supplier LIST' });
    assert.equal(dup.status, 409);
    assert.equal(dup.body[0].error_key, 'contacts.api.conflict');
    const lists = await callCc(
      cc,
      token,
      'GET',
      '/v3/contact_lists?include_count=true&include_membership_count=all',
    );
    assert.equal(lists.body.lists_count, 1);
    assert.equal(lists.body.lists[0].membership_count, 0);
    cc.assertConformant();
  });

  it('PUT clears the top-level fields it omits and keeps the sub-resources it omits, as the spec says', async () => {
    const account = cc.accounts.get('acct-main');
    const list = account.createList('Lead list');
    const field = account.createCustomFieldAsUser({ label: 'Favourite bike' });
    const created = await callCc(cc, token, 'POST', '/v3/contacts', {
      email_address: { address: 'put@example.com' },
      first_name: 'Pat',
      last_name: 'Putnam',
      job_title: 'Buyer',
      company_name: 'Acme',
      phone_numbers: [{ phone_number: '555-0100', kind: 'home' }],
      street_addresses: [{ kind: 'work', street: '1 Main St', city: 'Boston' }],
      list_memberships: [list.list_id],
      custom_fields: [{ custom_field_id: field.custom_field_id, value: 'Fixie' }],
      create_source: 'Account',
    });
    assert.equal(created.status, 201);
    clock.advance(60_000);
    const put = await callCc(cc, token, 'PUT', `/v3/contacts/${created.body.contact_id}`, {
      email_address: { address: 'put@example.com' },
      first_name: 'Patricia',
      update_source: 'Account',
    });
    assert.equal(put.status, 200);
    const includes = 'phone_numbers,street_addresses,list_memberships,custom_fields';
    const got = await callCc(cc, token, 'GET', `/v3/contacts/${created.body.contact_id}?include=${includes}`);
    assert.equal(got.body.first_name, 'Patricia');
    for (const omitted of ['last_name', 'job_title', 'company_name'])
      assert.equal(got.body[omitted], undefined, omitted);
    assert.deepEqual(
      got.body.phone_numbers.map((p: CcJson) => p.phone_number),
      ['555-0100'],
    );
    assert.deepEqual(
      got.body.street_addresses.map((a: CcJson) => a.street),
      ['1 Main St'],
    );
    assert.deepEqual(got.body.list_memberships, [list.list_id]);
    assert.deepEqual(got.body.custom_fields, [{ custom_field_id: field.custom_field_id, value: 'Fixie' }]);
    assert.equal(got.body.updated_at, clock.now().toISOString());
    assert.equal(got.body.update_source, 'Account');

    // Sub-resources the body carries replace the contact's, an empty array included.
    const replaced = await callCc(cc, token, 'PUT', `/v3/contacts/${created.body.contact_id}`, {
      email_address: { address: 'put@example.com' },
      phone_numbers: [{ phone_number: '555-0199', kind: 'mobile' }],
      street_addresses: [],
      custom_fields: [],
      update_source: 'Account',
    });
    assert.deepEqual(
      replaced.body.phone_numbers.map((p: CcJson) => [p.kind, p.phone_number]),
      [['mobile', '555-0199']],
    );
    assert.deepEqual(replaced.body.street_addresses, []);
    assert.deepEqual(replaced.body.custom_fields, []);
    assert.deepEqual(replaced.body.list_memberships, [list.list_id], 'lists were not in the body');
    cc.assertConformant();
  });

  for (const mode of ['replace', 'additive'] as const) {
    it(`PUT with list_memberships [${mode}]: ${mode === 'replace' ? "the body's lists become the contact's" : "the body's lists are only added"}`, async () => {
      cc.knobs.listMembershipsOnPut = mode;
      try {
        const account = cc.accounts.get('acct-main');
        const a = account.createList(`Put lists A ${mode}`);
        const b = account.createList(`Put lists B ${mode}`);
        const created = account.createContactAsUser({
          email: `lists-${mode}@example.com`,
          lists: [a.name],
        });
        const put = await callCc(cc, token, 'PUT', `/v3/contacts/${created.contact_id}`, {
          email_address: { address: `lists-${mode}@example.com` },
          list_memberships: [b.list_id],
          update_source: 'Account',
        });
        assert.equal(put.status, 200);
        assert.deepEqual(
          [...put.body.list_memberships].sort(),
          (mode === 'replace' ? [b.list_id] : [a.list_id, b.list_id]).sort(),
        );
        assert.deepEqual(account.contact(created.contact_id)?.list_memberships, put.body.list_memberships);
        cc.assertConformant();
      } finally {
        cc.knobs.listMembershipsOnPut = 'replace';
      }
    });
  }

  it('PUT under the additive knob refuses a contact that would end in more than 50 lists', async () => {
    cc.knobs.listMembershipsOnPut = 'additive';
    try {
      const account = cc.accounts.get('acct-main');
      const names = Array.from({ length: 30 }, (_, i) => `Cap ${i}`);
      const created = account.createContactAsUser({ email: 'cap@example.com', lists: names.slice(0, 30) });
      const others = Array.from({ length: 21 }, (_, i) => account.createList(`Cap more ${i}`).list_id);
      const put = await callCc(cc, token, 'PUT', `/v3/contacts/${created.contact_id}`, {
        email_address: { address: 'cap@example.com' },
        list_memberships: others,
        update_source: 'Account',
      });
      assert.equal(put.status, 400);
      assert.match(put.body[0].error_message, /at most 50 lists/);
      assert.equal(account.contact(created.contact_id)?.list_memberships?.length, 30, 'nothing changed');
      cc.assertConformant();
    } finally {
      cc.knobs.listMembershipsOnPut = 'replace';
    }
  });

  it('PUT without update_source is refused with a validation error array', async () => {
    const created = await callCc(cc, token, 'POST', '/v3/contacts', {
      email_address: { address: 'nosource@example.com' },
      create_source: 'Account',
    });
    const put = await callCc(cc, token, 'PUT', `/v3/contacts/${created.body.contact_id}`, {
      email_address: { address: 'nosource@example.com' },
    });
    assert.equal(put.status, 400);
    assert.equal(put.body[0].error_key, 'contacts.api.validation.error');
    assert.ok(
      cc.contractProblems.some((p) => p.includes('update_source')),
      'the contract check saw the bad request',
    );
    cc.contractProblems.splice(0);
  });

  it('soft-deletes (deleted_at, memberships removed, hidden unless status=deleted|all) and revives by PUT', async () => {
    const account = cc.accounts.get('acct-main');
    const list = account.createList('Employee list');
    const created = await callCc(cc, token, 'POST', '/v3/contacts', {
      email_address: { address: 'soft@example.com' },
      list_memberships: [list.list_id],
      create_source: 'Account',
    });
    const id = created.body.contact_id;
    clock.advance(1000);
    assert.equal((await callCc(cc, token, 'DELETE', `/v3/contacts/${id}`)).status, 204);
    assert.equal((await callCc(cc, token, 'DELETE', `/v3/contacts/${id}`)).status, 404);

    const active = await callCc(cc, token, 'GET', '/v3/contacts?email=soft@example.com');
    assert.deepEqual(active.body.contacts, []);
    const deleted = await callCc(
      cc,
      token,
      'GET',
      '/v3/contacts?email=soft@example.com&status=deleted&include=list_memberships',
    );
    assert.equal(deleted.body.contacts.length, 1);
    assert.equal(deleted.body.contacts[0].deleted_at, '2026-03-01');
    assert.deepEqual(deleted.body.contacts[0].list_memberships, []);
    const all = await callCc(cc, token, 'GET', '/v3/contacts?email=soft@example.com&status=all');
    assert.equal(all.body.contacts.length, 1);

    const put = await callCc(cc, token, 'PUT', `/v3/contacts/${id}`, {
      email_address: { address: 'soft@example.com' },
      first_name: 'Back',
      list_memberships: [list.list_id],
      update_source: 'Account',
    });
    assert.equal(put.status, 200);
    assert.equal(put.body.deleted_at, undefined);
    const back = await callCc(
      cc,
      token,
      'GET',
      '/v3/contacts?email=soft@example.com&include=list_memberships',
    );
    assert.equal(back.body.contacts.length, 1);
    assert.deepEqual(back.body.contacts[0].list_memberships, [list.list_id]);
    cc.assertConformant();
  });

  it('validates like CC: email syntax and length, 50-character names, 3 phones, 3 addresses, 50 lists', async () => {
    const lists = Array.from(
      { length: 51 },
      (_, i) => cc.accounts.get('acct-main').createList(`Many ${i}`).list_id,
    );
    const cases: Array<[string, Record<string, unknown>]> = [
      ['bad email', { email_address: { address: 'not-an-email' } }],
      ['long email', { email_address: { address: `${'a'.repeat(70)}@example.com` } }],
      ['long name', { email_address: { address: 'n@example.com' }, first_name: 'x'.repeat(51) }],
      [
        '4 phones',
        {
          email_address: { address: 'p@example.com' },
          phone_numbers: Array.from({ length: 4 }, () => ({ phone_number: '1' })),
        },
      ],
      [
        '4 addresses',
        {
          email_address: { address: 'a@example.com' },
          street_addresses: Array.from({ length: 4 }, () => ({ kind: 'home' })),
        },
      ],
      ['51 lists', { email_address: { address: 'l@example.com' }, list_memberships: lists }],
    ];
    for (const [label, body] of cases) {
      const answer = await callCc(cc, token, 'POST', '/v3/contacts', {
        ...body,
        create_source: 'Account',
      });
      assert.equal(answer.status, 400, label);
      assert.ok(Array.isArray(answer.body) && answer.body.length > 0, label);
      assert.equal(answer.body[0].error_key, 'contacts.api.validation.error', label);
      assert.equal(typeof answer.body[0].error_message, 'string');
    }
    const ok = await callCc(cc, token, 'POST', '/v3/contacts', {
      email_address: { address: `${'a'.repeat(68)}@example.com` },
      first_name: 'x'.repeat(50),
      create_source: 'Account',
    });
    assert.equal(ok.status, 201, '80 characters and 50-character names are allowed');
    // Several of these bodies break the spec's own limits on purpose; only responses are checked here.
    assert.deepEqual(
      cc.contractProblems.filter((p) => !p.includes('request')),
      [],
    );
    cc.contractProblems.splice(0);
  });

  it("an opt-out moves email_address.updated_at but not the contact's updated_at", async () => {
    const account = cc.accounts.get('acct-main');
    const created = account.createContactAsUser({ email: 'optout@example.com', first_name: 'Olive' });
    const before = await callCc(cc, token, 'GET', `/v3/contacts/${created.contact_id}`);
    clock.advance(3_600_000);
    const since = new Date(clock.now().getTime() - 1000).toISOString();
    account.optOut('optout@example.com', 'Too many emails');
    const after = await callCc(cc, token, 'GET', `/v3/contacts/${created.contact_id}`);
    assert.equal(after.body.updated_at, before.body.updated_at);
    assert.notEqual(after.body.email_address.updated_at, before.body.email_address.updated_at);
    assert.equal(after.body.email_address.updated_at, clock.now().toISOString());
    assert.equal(after.body.email_address.permission_to_send, 'unsubscribed');
    assert.equal(after.body.email_address.opt_out_date, clock.now().toISOString());

    const byUpdate = await callCc(cc, token, 'GET', `/v3/contacts?updated_after=${since}`);
    assert.ok(
      !byUpdate.body.contacts.some((c: CcJson) => c.contact_id === created.contact_id),
      'updated_after misses it',
    );
    const byOptOut = await callCc(cc, token, 'GET', `/v3/contacts?optout_after=${since}`);
    assert.deepEqual(
      byOptOut.body.contacts.map((c: CcJson) => c.contact_id),
      [created.contact_id],
    );
    const unsubscribed = await callCc(cc, token, 'GET', '/v3/contacts?status=unsubscribed');
    assert.deepEqual(
      unsubscribed.body.contacts.map((c: CcJson) => c.contact_id),
      [created.contact_id],
    );

    // CC never re-subscribes through the API.
    const put = await callCc(cc, token, 'PUT', `/v3/contacts/${created.contact_id}`, {
      email_address: { address: 'optout@example.com', permission_to_send: 'implicit' },
      update_source: 'Account',
    });
    assert.equal(put.body.email_address.permission_to_send, 'unsubscribed');
    cc.assertConformant();
  });

  it('filters by updated_after/updated_before and created_after', async () => {
    const account = cc.accounts.get('acct-main');
    clock.set('2026-04-01T00:00:00.000Z');
    const early = account.createContactAsUser({ email: 'early@example.com' });
    clock.set('2026-04-02T00:00:00.000Z');
    const late = account.createContactAsUser({ email: 'late@example.com' });
    const afterOne = await callCc(cc, token, 'GET', '/v3/contacts?updated_after=2026-04-01T12:00:00.000Z');
    assert.deepEqual(
      afterOne.body.contacts.map((c: CcJson) => c.contact_id),
      [late.contact_id],
    );
    const beforeTwo = await callCc(
      cc,
      token,
      'GET',
      '/v3/contacts?updated_before=2026-04-01T12:00:00.000Z&created_after=2026-03-31T00:00:00.000Z',
    );
    assert.deepEqual(
      beforeTwo.body.contacts.map((c: CcJson) => c.contact_id),
      [early.contact_id],
    );
    cc.assertConformant();
  });

  it('reads and updates the account summary', async () => {
    const got = await callCc(
      cc,
      token,
      'GET',
      '/v3/account/summary?extra_fields=physical_address,company_logo',
    );
    assert.equal(got.status, 200);
    assert.equal(got.body.organization_name, 'Main Co');
    assert.equal(got.body.encoded_account_id, 'acct-main');
    assert.equal(got.body.physical_address.country_code, 'US');
    const plain = await callCc(cc, token, 'GET', '/v3/account/summary');
    assert.equal(plain.body.physical_address, undefined);
    const put = await callCc(cc, token, 'PUT', '/v3/account/summary', {
      organization_name: 'Main Company',
      website: 'https://main.example',
    });
    assert.equal(put.status, 200);
    const again = await callCc(cc, token, 'GET', '/v3/account/summary');
    assert.equal(again.body.organization_name, 'Main Company');
    assert.equal(again.body.website, 'https://main.example');
    assert.equal(again.body.contact_email, 'main@example.com', 'a partial update keeps other fields');
    cc.assertConformant();
  });

  it('answers 404 with an error array for an unknown contact', async () => {
    const missing = await callCc(cc, token, 'GET', '/v3/contacts/3fa85f64-5717-4562-b3fc-2c963f66afa6');
    assert.equal(missing.status, 404);
    assert.equal(missing.body[0].error_key, 'contacts.api.not_found');
    cc.assertConformant();
  });
});
