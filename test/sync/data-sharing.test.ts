import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findOwnId } from '../../src/connec/ids.ts';
import { TEST_DATABASES } from '../helpers/databases.ts';
import { CC_ACCOUNT_ID, type SyncHarness, startSyncHarness, syncOk } from '../helpers/sync-harness.ts';

const emailsOf = (contacts: Array<{ email_address?: { address?: string } }>) =>
  contacts.map((c) => c.email_address?.address).sort();

for (const kind of TEST_DATABASES) {
  describe(`data sharing, as the test plan lists it [${kind}]`, () => {
    let h: SyncHarness;
    before(async () => {
      h = await startSyncHarness({ kind });
    });
    after(async () => {
      h.cc.assertConformant();
      await h.close();
    });

    it('a customer, a supplier and a lead created in another app land in CC in the right lists', async () => {
      h.app.create('people', {
        first_name: 'Cora',
        last_name: 'Client',
        email: { address: 'cora@example.com' },
        is_customer: true,
      });
      h.app.create('organizations', {
        name: 'Bolt Supplies',
        email: { address: 'orders@bolt.example' },
        is_supplier: true,
      });
      h.app.create('people', {
        first_name: 'Leo',
        last_name: 'Prospect',
        email: { address: 'leo@example.com' },
        is_lead: true,
      });
      await syncOk(h);
      assert.deepEqual(emailsOf(h.contactsInList('Customer list')), ['cora@example.com']);
      assert.deepEqual(emailsOf(h.contactsInList('Supplier list')), ['orders@bolt.example']);
      assert.deepEqual(emailsOf(h.contactsInList('Lead list')), ['leo@example.com']);
      const cora = h
        .hubRecords('people')
        .find((p) => (p.email as { address: string }).address === 'cora@example.com');
      const contactId = findOwnId(cora?.id as never, CC_ACCOUNT_ID);
      assert.equal(
        contactId,
        h.ccAccount.contact('cora@example.com')?.contact_id,
        'the CC id is registered in the hub',
      );
    });

    it('maps a person field by field', async () => {
      h.app.create('people', {
        first_name: 'Pia',
        last_name: 'Field',
        job_title: 'Chef',
        email: { address: 'pia@example.com' },
        address_work: {
          billing: { line1: '3 Oven Rd', city: 'Hobart', region: 'TAS', postal_code: '7000', country: 'AU' },
        },
        phone_home: { landline: '+61 3 1234 5678', mobile: '+61 400 000 000' },
        is_customer: true,
      });
      await syncOk(h);
      const contact = h.ccAccount.contact('pia@example.com');
      assert.equal(contact?.first_name, 'Pia');
      assert.equal(contact?.last_name, 'Field');
      assert.equal(contact?.job_title, 'Chef');
      assert.deepEqual(
        contact?.phone_numbers?.map((p) => [p.kind, p.phone_number]),
        [
          ['home', '+61 3 1234 5678'],
          ['mobile', '+61 400 000 000'],
        ],
      );
      const address = contact?.street_addresses?.[0];
      assert.deepEqual(
        [
          address?.kind,
          address?.street,
          address?.city,
          address?.state,
          address?.postal_code,
          address?.country,
        ],
        ['work', '3 Oven Rd', 'Hobart', 'TAS', '7000', 'AU'],
      );
    });

    it('puts an employee in "Employee list" with the person fields', async () => {
      h.app.create('employees', {
        first_name: 'Ed',
        last_name: 'Staff',
        job_title: 'Baker',
        email: { address: 'ed@alpha.example' },
      });
      await syncOk(h);
      assert.ok(emailsOf(h.contactsInList('Employee list')).includes('ed@alpha.example'));
      assert.equal(h.ccAccount.contact('ed@alpha.example')?.job_title, 'Baker');
    });

    it('does not share a person without an email, or with an invalid one, and says why', async () => {
      const noEmail = h.app.create('people', { first_name: 'No', last_name: 'Mail', is_customer: true });
      const badEmail = h.app.create('people', {
        first_name: 'Bad',
        last_name: 'Mail',
        email: { address: 'bad@@example' },
        is_customer: true,
      });
      const run = await syncOk(h);
      assert.ok(run.counts.cc.excluded >= 2);
      const { items } = await h.repos.idMaps.page(h.organization.id, {
        states: ['excluded'],
        limit: 50,
        offset: 0,
      });
      const reasonOf = (record: Record<string, unknown>) =>
        items.find(
          (m) =>
            m.hubId ===
            (record.id as Array<{ id: string; provider: string }>).find((e) => e.provider === 'connec')?.id,
        )?.reason;
      assert.equal(reasonOf(noEmail), 'no email');
      assert.match(reasonOf(badEmail) ?? '', /^invalid email: /);
      assert.equal(
        h.ccAccount.contacts().filter((c) => c.first_name === 'No' || c.first_name === 'Bad').length,
        0,
      );
    });

    it('shares a person once it gets a valid email', async () => {
      const person = h.app.create('people', { first_name: 'Late', last_name: 'Mail', is_customer: true });
      await syncOk(h);
      const connecId = (person.id as Array<{ id: string; provider: string }>).find(
        (e) => e.provider === 'connec',
      )!.id;
      h.app.update('people', connecId, { email: { address: 'late@example.com' } });
      await syncOk(h);
      assert.ok(emailsOf(h.contactsInList('Customer list')).includes('late@example.com'));
    });

    it('a contact created in CC becomes a customer in the hub, with the CC id registered', async () => {
      const contact = h.ccAccount.createContactAsUser({
        email: 'walkin@example.com',
        first_name: 'Walk',
        last_name: 'In',
      });
      await syncOk(h);
      const person = h
        .hubRecords('people')
        .find((p) => (p.email as { address?: string } | undefined)?.address === 'walkin@example.com');
      assert.ok(person, 'the person exists in the hub');
      assert.equal(person.is_customer, true);
      assert.equal(person.first_name, 'Walk');
      assert.equal(findOwnId(person.id as never, CC_ACCOUNT_ID), contact.contact_id);
      // A customer belongs in "Customer list": the contact joins it in CC.
      assert.deepEqual(emailsOf(h.contactsInList('Customer list')).includes('walkin@example.com'), true);
      const next = await syncOk(h);
      assert.equal(next.counts.hub.updated + next.counts.cc.updated, 0, 'its own list change is no change');
    });

    it('an unsubscribed contact created in CC becomes a customer but joins no list', async () => {
      const quiet = h.ccAccount.createContactAsUser({
        email: 'quiet@example.com',
        first_name: 'Quiet',
        last_name: 'One',
      });
      h.ccAccount.optOut(quiet.contact_id, 'no more emails');
      await syncOk(h);
      const person = h
        .hubRecords('people')
        .find((p) => (p.email as { address?: string } | undefined)?.address === 'quiet@example.com');
      assert.equal(person?.is_customer, true);
      assert.deepEqual(h.ccAccount.contact('quiet@example.com')?.list_memberships ?? [], []);
    });

    it('a contact created in CC in "Supplier list" becomes a supplier', async () => {
      h.ccAccount.createContactAsUser({
        email: 'vendor@example.com',
        first_name: 'Ven',
        last_name: 'Dor',
        lists: ['Supplier list'],
      });
      await syncOk(h);
      const person = h
        .hubRecords('people')
        .find((p) => (p.email as { address?: string } | undefined)?.address === 'vendor@example.com');
      assert.equal(person?.is_supplier, true);
      assert.equal(person?.is_customer, false);
    });

    it('keeps the company profile and the account summary aligned, both ways', async () => {
      h.app.updateCompany({ name: 'Alpha Bikes Pty', website: { url: 'https://alpha.example' } });
      await syncOk(h);
      assert.equal(h.ccAccount.summary.organization_name, 'Alpha Bikes Pty');
      assert.equal(h.ccAccount.summary.website, 'https://alpha.example');
      h.ccAccount.updateSummary({ time_zone_id: 'Australia/Hobart' });
      // The account is read when due (hourly by default): a manual poll for the test.
      await h.repos.cursors.set(h.organization.id, 'cc', 'account', '2000-01-01T00:00:00.000Z');
      await syncOk(h);
      assert.equal(h.hubRecords('company')[0]?.timezone, 'Australia/Hobart');
    });

    it("keeps the account's time zone as CC gives it, for the pages' times, and ignores one it does not know", async () => {
      h.ccAccount.updateSummary({ time_zone_id: 'America/Chicago' });
      await syncOk(h);
      assert.equal((await h.repos.organizations.get(h.organization.id)).timeZone, 'America/Chicago');
      h.ccAccount.updateSummary({ time_zone_id: 'Mars/Olympus' });
      await syncOk(h);
      assert.equal((await h.repos.organizations.get(h.organization.id)).timeZone, 'America/Chicago');
    });

    it('"Synchronize now" brings a company change made in CC to the hub; scheduled runs read it hourly', async () => {
      await syncOk(h);
      h.ccAccount.updateSummary({ website: 'https://alpha-bikes.example' });
      const scheduled = await h.sync('schedule');
      assert.equal(scheduled.status, 'succeeded');
      assert.notEqual(
        (h.hubRecords('company')[0]?.website as { url?: string } | undefined)?.url,
        'https://alpha-bikes.example',
        'a scheduled run within the hour leaves the account summary unread',
      );
      await syncOk(h);
      assert.equal(
        (h.hubRecords('company')[0]?.website as { url?: string } | undefined)?.url,
        'https://alpha-bikes.example',
      );
    });

    it('names the Constant Contact account as CC does once it is renamed, in CC or through the company name', async () => {
      h.ccAccount.updateSummary({ organization_name: 'Alpha Cycles' });
      await syncOk(h);
      assert.equal((await h.repos.organizations.get(h.organization.id)).ccAccount?.name, 'Alpha Cycles');
      h.app.updateCompany({ name: 'Alpha Cycles & Co' });
      await syncOk(h);
      assert.equal(h.ccAccount.summary.organization_name, 'Alpha Cycles & Co');
      assert.equal((await h.repos.organizations.get(h.organization.id)).ccAccount?.name, 'Alpha Cycles & Co');
    });

    it('a run with no changes writes nothing on either side', async () => {
      await syncOk(h);
      h.cc.requestLog.clear();
      const before = h.platform.requestLog.entries.length;
      const run = await syncOk(h);
      const writes = h.cc.requestLog.entries.filter((e) => e.method !== 'GET');
      assert.deepEqual(writes, []);
      const hubWrites = h.platform.requestLog.entries.slice(before).filter((e) => e.method !== 'GET');
      assert.deepEqual(hubWrites, []);
      assert.equal(
        run.counts.cc.created + run.counts.cc.updated + run.counts.hub.created + run.counts.hub.updated,
        0,
      );
    });
  });
}
