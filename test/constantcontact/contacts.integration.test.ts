import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { CcConflictError, CcNotFoundError, CcValidationError } from '../../src/constantcontact/errors.ts';
import { ACCOUNT_ID, countOf, type Harness, startHarness } from './harness.ts';

describe('contacts, lists and account against the emulator', () => {
  let h: Harness;
  afterEach(async () => {
    h.emulator.assertConformant();
    await h.close();
  });

  it('pages through 1,200 contacts with the async iterator, one page in memory at a time', async () => {
    h = await startHarness({
      seed: { contacts: Array.from({ length: 1200 }, (_, i) => ({ email: `person${i}@example.com` })) },
    });
    const pageSizes: number[] = [];
    const ids = new Set<string>();
    for await (const page of h.api.contacts.pages({
      limit: 500,
      include: ['list_memberships'],
      includeCount: true,
    })) {
      pageSizes.push(page.contacts.length);
      for (const c of page.contacts) ids.add(c.contact_id);
    }
    assert.deepEqual(pageSizes, [500, 500, 200]);
    assert.equal(ids.size, 1200);
    assert.equal(countOf(h.emulator, 'GET /v3/contacts'), 3);

    let seen = 0;
    for await (const _ of h.api.contacts.all({ limit: 100 })) {
      if (++seen === 150) break;
    }
    assert.equal(countOf(h.emulator, 'GET /v3/contacts'), 5, 'breaking out stops fetching');
  });

  it('creates, reads, replaces and deletes a contact, then finds it only with status=deleted', async () => {
    h = await startHarness();
    const [list] = await Promise.all([h.api.lists.create({ name: 'Customer list' })]);
    const created = await h.api.contacts.create({
      email_address: { address: 'ada@example.com', permission_to_send: 'implicit' },
      first_name: 'Ada',
      job_title: 'Engineer',
      create_source: 'Account',
      list_memberships: [list!.list_id],
    });
    const read = await h.api.contacts.get(created.contact_id, ['list_memberships']);
    assert.deepEqual(read.list_memberships, [list!.list_id]);
    const replaced = await h.api.contacts.update(created.contact_id, {
      email_address: { address: 'ada@example.com' },
      first_name: 'Ada',
      update_source: 'Account',
    });
    assert.equal(replaced.job_title, undefined, 'PUT clears what it leaves out');
    await h.api.contacts.delete(created.contact_id);
    const active = [];
    for await (const c of h.api.contacts.all({ email: 'ada@example.com' })) active.push(c);
    assert.equal(active.length, 0);
    const deleted = [];
    for await (const c of h.api.contacts.all({ status: 'deleted', email: 'ada@example.com' }))
      deleted.push(c);
    assert.equal(deleted.length, 1);
    assert.ok(deleted[0]!.deleted_at);
  });

  it('each 409 path is a typed CC_CONFLICT; CC does not name the contact holding the email', async () => {
    h = await startHarness();
    const ada = await h.api.contacts.create({
      email_address: { address: 'ada@example.com' },
      create_source: 'Account',
    });
    const bob = await h.api.contacts.create({
      email_address: { address: 'bob@example.com' },
      create_source: 'Account',
    });

    await assert.rejects(
      h.api.contacts.create({ email_address: { address: 'ADA@example.com' }, create_source: 'Account' }),
      (e: unknown) =>
        e instanceof CcConflictError && e.code === 'CC_CONFLICT' && e.conflictingId === undefined,
    );

    await h.api.contacts.delete(bob.contact_id);
    await assert.rejects(
      h.api.contacts.create({ email_address: { address: 'bob@example.com' }, create_source: 'Account' }),
      (e: unknown) => e instanceof CcConflictError && e.httpStatus === 409,
      'a deleted contact still holds its email',
    );

    await assert.rejects(
      h.api.contacts.update(ada.contact_id, {
        email_address: { address: 'bob@example.com' },
        update_source: 'Account',
      }),
      (e: unknown) => e instanceof CcConflictError && e.httpStatus === 409,
    );

    await h.api.lists.create({ name: 'Lead list' });
    await assert.rejects(h.api.lists.create({ name: 'Lead list' }), CcConflictError);
  });

  it('maps 404 and 400 answers to typed errors carrying CC error arrays', async () => {
    h = await startHarness({ emulator: { checkRequests: false } });
    await assert.rejects(h.api.contacts.get('7d2b9e44-0000-4000-8000-000000000000'), CcNotFoundError);
    await assert.rejects(
      h.api.contacts.create({ email_address: { address: 'not-an-email' }, create_source: 'Account' }),
      (e: unknown) =>
        e instanceof CcValidationError &&
        e.errors.length > 0 &&
        e.errors.every((x) => typeof x.error_key === 'string'),
    );
  });

  it('revives a deleted contact with update_source Account; CC refuses it as Contact, with its own words', async () => {
    h = await startHarness();
    const created = await h.api.contacts.create({
      email_address: { address: 'lazarus@example.com' },
      create_source: 'Account',
    });
    await h.api.contacts.delete(created.contact_id);
    await assert.rejects(
      h.api.contacts.update(created.contact_id, {
        email_address: { address: 'lazarus@example.com' },
        update_source: 'Contact',
      }),
      (e: unknown) =>
        e instanceof CcValidationError &&
        e.errors[0]?.error_key === 'contacts.api.validation.error' &&
        e.message.includes('To restore a deleted contact, update_source must be Account.'),
    );
    const revived = await h.api.contacts.update(created.contact_id, {
      email_address: { address: 'lazarus@example.com' },
      update_source: 'Account',
    });
    assert.equal(revived.deleted_at, undefined);
  });

  it('reads every list and reads and updates the account summary', async () => {
    h = await startHarness({ seed: { lists: ['Customer list', 'Supplier list', 'Lead list'] } });
    const lists = await h.api.lists.all();
    assert.deepEqual(lists.map((l) => l.name).sort(), ['Customer list', 'Lead list', 'Supplier list']);
    const before = await h.api.account.getSummary(['physical_address']);
    assert.equal(before.organization_name, 'Acme Ltd');
    await h.api.account.updateSummary({ organization_name: 'Acme Group', time_zone_id: 'Europe/London' });
    const after = await h.api.account.getSummary([]);
    assert.equal(after.organization_name, 'Acme Group');
    assert.equal(after.time_zone_id, 'Europe/London');
    assert.equal(h.emulator.accounts.get(ACCOUNT_ID).summary.organization_name, 'Acme Group');
  });
});
