import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findOwnId } from '../../src/connec/ids.ts';
import { TEST_DATABASES } from '../helpers/databases.ts';
import {
  CC_ACCOUNT_ID,
  connecId,
  type SyncHarness,
  startSyncHarness,
  syncOk,
} from '../helpers/sync-harness.ts';

type Hub = Record<string, unknown>;

/** A person the connector shared with CC, by a run of its own. */
async function sharePerson(h: SyncHarness, email: string, fields: Hub = {}) {
  const person = h.app.create('people', {
    first_name: 'Sam',
    last_name: 'Shared',
    email: { address: email },
    is_customer: true,
    ...fields,
  });
  await syncOk(h);
  const contact = h.ccAccount.contact(email);
  assert.ok(contact, `${email} reached CC`);
  return { person, hubId: connecId(person), contactId: contact.contact_id };
}

for (const kind of TEST_DATABASES) {
  describe(`changes on both sides [${kind}]`, () => {
    let h: SyncHarness;
    before(async () => {
      h = await startSyncHarness({ kind });
    });
    after(async () => {
      h.cc.assertConformant();
      await h.close();
    });

    const sharedPerson = (email: string, fields: Hub = {}) => sharePerson(h, email, fields);
    const hubPerson = (hubId: string) => h.hubRecords('people').find((p) => connecId(p) === hubId)!;

    it('keeps changes made on both sides to different fields', async () => {
      const { hubId, contactId } = await sharedPerson('both@example.com', { job_title: 'Clerk' });
      h.app.update('people', hubId, { job_title: 'Manager' });
      h.ccAccount.updateContactAsUser(contactId, { last_name: 'Changed-In-CC' });
      await syncOk(h);
      await syncOk(h);
      assert.equal(h.ccAccount.contact(contactId)?.job_title, 'Manager');
      assert.equal(h.ccAccount.contact(contactId)?.last_name, 'Changed-In-CC');
      assert.equal(hubPerson(hubId).job_title, 'Manager');
      assert.equal(hubPerson(hubId).last_name, 'Changed-In-CC');
    });

    it('gives a field changed on both sides to the newer change by default', async () => {
      const { hubId, contactId } = await sharedPerson('newest@example.com', { job_title: 'Clerk' });
      h.app.update('people', hubId, { job_title: 'From hub' });
      await new Promise((r) => setTimeout(r, 5));
      h.ccAccount.updateContactAsUser(contactId, { job_title: 'From CC, later' });
      await syncOk(h);
      await syncOk(h);
      assert.equal(hubPerson(hubId).job_title, 'From CC, later');
      assert.equal(h.ccAccount.contact(contactId)?.job_title, 'From CC, later');
    });

    it('gives it to the hub, or to CC, when the organization says so', async () => {
      for (const [winner, expected] of [
        ['hub', 'Hub wins'],
        ['cc', 'CC wins'],
      ] as const) {
        await h.repos.organizations.updateSettings(h.organization.id, { conflictWinner: winner });
        h.organization = await h.repos.organizations.get(h.organization.id);
        const { hubId, contactId } = await sharedPerson(`winner-${winner}@example.com`, {
          job_title: 'Clerk',
        });
        h.ccAccount.updateContactAsUser(contactId, { job_title: 'CC wins' });
        await new Promise((r) => setTimeout(r, 5));
        h.app.update('people', hubId, { job_title: 'Hub wins' });
        await syncOk(h);
        await syncOk(h);
        assert.equal(hubPerson(hubId).job_title, expected, winner);
        assert.equal(h.ccAccount.contact(contactId)?.job_title, expected, winner);
      }
      await h.repos.organizations.updateSettings(h.organization.id, { conflictWinner: 'newest' });
    });

    it('picks up in the next run a change made in the hub while a run was going', async () => {
      const people = Array.from({ length: 6 }, (_, i) =>
        h.app.create('people', {
          first_name: `Mid${i}`,
          last_name: 'Run',
          email: { address: `mid${i}@example.com` },
          is_customer: true,
        }),
      );
      await syncOk(h);
      let changed = false;
      const run = await h.syncWith(async () => {
        if (changed) return;
        changed = true;
        h.app.update('people', connecId(people[0]!), { job_title: 'Changed mid-run' });
      });
      assert.equal(run.status, 'succeeded');
      h.app.update('people', connecId(people[1]!), { job_title: 'Also changed' });
      await syncOk(h);
      assert.equal(h.ccAccount.contact('mid0@example.com')?.job_title, 'Changed mid-run');
      assert.equal(h.ccAccount.contact('mid1@example.com')?.job_title, 'Also changed');
    });

    it('never re-subscribes a contact who unsubscribed, whatever changes in the hub', async () => {
      const { hubId, contactId } = await sharedPerson('optout@example.com');
      const listsBefore = h.ccAccount.contact(contactId)?.list_memberships;
      h.ccAccount.optOut(contactId, 'too many emails');
      await syncOk(h);
      h.app.update('people', hubId, { job_title: 'Promoted', is_lead: true });
      await syncOk(h);
      const contact = h.ccAccount.contact(contactId);
      assert.equal(contact?.email_address?.permission_to_send, 'unsubscribed');
      assert.equal(contact?.job_title, 'Promoted', 'fields still follow the hub');
      assert.deepEqual(contact?.list_memberships, listsBefore, 'lists are left as they were');
    });

    it('unlinks a contact deleted in CC, keeps the hub record, and does not bring the contact back', async () => {
      const { hubId, contactId } = await sharedPerson('deleted@example.com');
      h.ccAccount.deleteContactAsUser(contactId);
      await syncOk(h);
      assert.ok(hubPerson(hubId), 'the hub record stays');
      const map = await h.repos.idMaps.findByHub(h.organization.id, 'people', hubId);
      assert.equal(map?.state, 'unlinked');
      assert.match(map?.reason ?? '', /deleted in Constant Contact/);
      h.app.update('people', hubId, { job_title: 'Still here' });
      await syncOk(h);
      assert.ok(h.ccAccount.contact(contactId)?.deleted_at, 'the contact stays deleted');
      assert.equal(
        h.ccAccount.contacts().filter((c) => c.email_address?.address === 'deleted@example.com').length,
        0,
      );
    });

    it('fails the run on an outage without losing the changes it did not share', async () => {
      h.app.create('people', {
        first_name: 'Out',
        last_name: 'Age',
        email: { address: 'outage@example.com' },
        is_customer: true,
      });
      h.cc.knobs.errorRate = 1;
      const failed = await h.sync();
      h.cc.knobs.errorRate = 0;
      assert.equal(failed.status, 'failed');
      assert.equal(failed.error?.code, 'CC_UNAVAILABLE');
      await syncOk(h);
      const contact = h.ccAccount.contact('outage@example.com');
      assert.ok(contact, 'shared once CC is back');
      const person = h
        .hubRecords('people')
        .find((p) => (p.email as { address: string }).address === 'outage@example.com');
      assert.equal(findOwnId(person?.id as never, CC_ACCOUNT_ID), contact.contact_id);
    });

    it('shares one contact between a person and an organization with one email, in the lists of both', async () => {
      const person = h.app.create('people', {
        first_name: 'Sole',
        last_name: 'Trader',
        email: { address: 'sole@trader.example' },
        is_customer: true,
      });
      const company = h.app.create('organizations', {
        name: 'Sole Trading',
        email: { address: 'SOLE@trader.example' },
      });
      await syncOk(h);
      h.app.update('people', connecId(person), { job_title: 'Owner' });
      h.app.update('organizations', connecId(company), { is_supplier: true });
      await syncOk(h);
      const matches = h.ccAccount
        .contacts()
        .filter((c) => c.email_address?.address?.toLowerCase() === 'sole@trader.example');
      assert.equal(matches.length, 1, 'one contact');
      assert.equal(matches[0]?.job_title, 'Owner', "the person's change is kept");
      assert.equal(
        matches[0]?.first_name,
        'Sole',
        'the contact carries the fields of the first record linked',
      );
      const lists = new Set(matches[0]?.list_memberships);
      assert.ok(lists.has(h.ccAccount.findListByName('Customer list')!.list_id));
      assert.ok(lists.has(h.ccAccount.findListByName('Supplier list')!.list_id));
    });

    it('never puts one email twice in CC', () => {
      const emails = h.ccAccount
        .contacts({ includeDeleted: true })
        .map((c) => c.email_address?.address?.toLowerCase());
      assert.equal(new Set(emails).size, emails.length);
    });
  });
}

// Whether a PUT's list_memberships replaces a contact's lists or only adds to them, CC's contract leaves
// open: every way of leaving a list must work under both readings.
for (const mode of ['replace', 'additive'] as const) {
  describe(`leaving lists [PUT list_memberships: ${mode}]`, () => {
    let h: SyncHarness;
    before(async () => {
      h = await startSyncHarness();
      h.cc.knobs.listMembershipsOnPut = mode;
    });
    after(async () => {
      h.cc.assertConformant();
      await h.close();
    });
    const sharedPerson = (email: string, fields: Hub = {}) => sharePerson(h, email, fields);
    const hubPerson = (hubId: string) => h.hubRecords('people').find((p) => connecId(p) === hubId)!;
    const listId = (name: string) => h.ccAccount.findListByName(name)!.list_id;

    it('takes a person made INACTIVE out of the lists, without deleting the contact', async () => {
      const { hubId, contactId } = await sharedPerson('inactive@example.com');
      h.app.update('people', hubId, { status: 'INACTIVE' });
      await syncOk(h);
      const contact = h.ccAccount.contact(contactId);
      assert.ok(contact, 'the contact is still in CC');
      assert.deepEqual(contact.list_memberships, []);
    });

    it('deletes the contact of a person made INACTIVE when the organization asked for hard deletes', async () => {
      await h.repos.organizations.updateSettings(h.organization.id, { hardDeletes: true });
      h.organization = await h.repos.organizations.get(h.organization.id);
      const { hubId, contactId } = await sharedPerson('harddelete@example.com');
      h.app.update('people', hubId, { status: 'INACTIVE' });
      await syncOk(h);
      assert.ok(h.ccAccount.contact(contactId)?.deleted_at, 'the contact is deleted in CC');
      assert.ok(hubPerson(hubId), 'the hub record stays');
      const map = await h.repos.idMaps.findByHub(h.organization.id, 'people', hubId);
      assert.equal(map?.state, 'excluded');
      // Active again: shared again, on the same contact.
      h.app.update('people', hubId, { status: 'ACTIVE' });
      await syncOk(h);
      const revived = h.ccAccount.contact('harddelete@example.com');
      assert.equal(revived?.deleted_at, undefined);
      assert.equal(revived?.contact_id, contactId);
      await h.repos.organizations.updateSettings(h.organization.id, { hardDeletes: false });
      h.organization = await h.repos.organizations.get(h.organization.id);
    });

    it("takes a person out of a list whose flag was turned off, keeping its other lists and the user's own", async () => {
      const { hubId, contactId } = await sharedPerson('flag-off@example.com', { is_lead: true });
      const vip = h.ccAccount.createList('VIP');
      h.ccAccount.updateContactAsUser(contactId, { lists: ['Customer list', 'Lead list', vip.name] });
      await syncOk(h);
      h.app.update('people', hubId, { is_lead: false });
      h.cc.requestLog.clear();
      await syncOk(h);
      const lists = h.ccAccount.contact(contactId)?.list_memberships ?? [];
      assert.deepEqual([...lists].sort(), [listId('Customer list'), vip.list_id].sort());
      const calls = h.cc.requestLog.countByEndpoint();
      assert.equal(calls['PUT /v3/contacts/:contact_id'], 1, JSON.stringify(calls));
      // Under `additive` the PUT leaves the contact in the list, and the connector checks its answer.
      assert.equal(
        calls['POST /v3/activities/remove_list_memberships'] ?? 0,
        mode === 'additive' ? 1 : 0,
        JSON.stringify(calls),
      );
      const map = await h.repos.idMaps.findByHub(h.organization.id, 'people', hubId);
      assert.equal(map?.state, 'linked');
      // Nothing is left to do: the connector's copy of the contact is what CC holds.
      h.cc.requestLog.clear();
      await syncOk(h);
      assert.deepEqual(
        h.cc.requestLog.entries.filter((e) => e.method !== 'GET').map((e) => e.endpoint),
        [],
      );
      assert.equal(hubPerson(hubId).is_lead, false);
    });
  });
}
