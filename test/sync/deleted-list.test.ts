import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TEST_DATABASES } from '../helpers/databases.ts';
import { connecId, type SyncHarness, startSyncHarness, syncOk } from '../helpers/sync-harness.ts';

type Hub = Record<string, unknown>;
const emailsOf = (contacts: Array<{ email_address?: { address?: string } }>) =>
  contacts.map((c) => c.email_address?.address).sort();

for (const kind of TEST_DATABASES) {
  describe(`a connector list deleted in Constant Contact [${kind}]`, () => {
    let h: SyncHarness;
    let ada: Hub;

    before(async () => {
      // No look-back: a run re-reads no contact an earlier run already read, so the last case below
      // shows what happens when no contact read tells of the deleted list.
      h = await startSyncHarness({ kind, options: { lookbackMs: 0 } });
      ada = h.app.create('people', {
        first_name: 'Ada',
        last_name: 'Buyer',
        email: { address: 'ada@lists.example' },
        is_customer: true,
        is_lead: true,
      });
      h.app.create('organizations', {
        name: 'Bolt Buyers',
        email: { address: 'orders@bolt.example' },
        is_customer: true,
      });
      h.app.create('people', {
        first_name: 'Una',
        last_name: 'Subscribed',
        email: { address: 'una@lists.example' },
        is_customer: true,
      });
      await syncOk(h);
      h.ccAccount.optOut('una@lists.example');
      await syncOk(h);
      assert.deepEqual(emailsOf(h.contactsInList('Customer list')), [
        'ada@lists.example',
        'orders@bolt.example',
        'una@lists.example',
      ]);
    });
    after(async () => {
      h.cc.assertConformant();
      await h.close();
    });

    it('spends no request on lists in a run where nothing points at a deleted list', async () => {
      h.cc.requestLog.clear();
      const run = await syncOk(h);
      assert.deepEqual(run.notices, []);
      assert.equal(h.cc.requestLog.countByEndpoint()['GET /v3/contact_lists'] ?? 0, 0);
    });

    it('re-creates the list on the next run, puts back its subscribed members, and says so', async () => {
      const oldList = h.ccAccount.findListByName('Customer list')!;
      h.ccAccount.deleteListAsUser('Customer list');
      assert.deepEqual(h.contactsInList('Customer list'), []);

      h.cc.requestLog.clear();
      const run = await syncOk(h);
      const recreated = h.ccAccount.findListByName('Customer list');
      assert.ok(recreated, 'the list exists again');
      assert.notEqual(recreated.list_id, oldList.list_id);
      assert.deepEqual(emailsOf(h.contactsInList('Customer list')), [
        'ada@lists.example',
        'orders@bolt.example',
      ]);
      assert.ok(
        !h.ccAccount.contact('una@lists.example')?.list_memberships?.includes(recreated.list_id),
        'an unsubscribed contact is never put back in a list',
      );
      assert.deepEqual(emailsOf(h.contactsInList('Lead list')), ['ada@lists.example']);
      assert.deepEqual(run.notices, [
        'The list "Customer list" was deleted in Constant Contact: the connector re-created it and put back 2 contacts.',
      ]);
      const calls = h.cc.requestLog.countByEndpoint();
      assert.equal(calls['GET /v3/contact_lists'], 1, JSON.stringify(calls));
      assert.equal(calls['POST /v3/contact_lists'], 1, JSON.stringify(calls));
      assert.equal(calls['POST /v3/activities/add_list_memberships'], 1, JSON.stringify(calls));
      assert.equal(run.counts.hub.updated + run.counts.hub.failed, 0, 'the hub records keep their flags');
      const runs = await h.repos.syncRuns.listRecent(h.organization.id, 1);
      assert.deepEqual(runs[0]?.notices, run.notices, 'the run record keeps the notice');
    });

    it('then finds nothing more to do', async () => {
      h.cc.requestLog.clear();
      const run = await syncOk(h);
      assert.deepEqual(run.notices, []);
      assert.deepEqual(
        h.cc.requestLog.entries.filter((e) => e.method !== 'GET').map((e) => e.endpoint),
        [],
      );
      assert.equal(h.cc.requestLog.countByEndpoint()['GET /v3/contact_lists'] ?? 0, 0);
    });

    it('also when the delete left its members untouched: a write refused on the list leads to it', async () => {
      const oldList = h.ccAccount.findListByName('Lead list')!;
      h.ccAccount.deleteListAsUser('Lead list', { touchContacts: false });
      h.app.update('people', connecId(ada), { job_title: 'Chief Buyer' });
      // CC refuses the update naming the deleted list: the record fails, with CC's reason.
      await syncOk(h);
      const map = await h.repos.idMaps.findByHub(h.organization.id, 'people', connecId(ada));
      assert.equal(map?.state, 'failed');
      assert.ok(map?.reason?.includes(oldList.list_id), map?.reason ?? '');

      const run = await syncOk(h);
      assert.deepEqual(run.notices, [
        'The list "Lead list" was deleted in Constant Contact: the connector re-created it and put back 1 contact.',
      ]);
      assert.deepEqual(emailsOf(h.contactsInList('Lead list')), ['ada@lists.example']);
      assert.equal(
        h.ccAccount.contact('ada@lists.example')?.job_title,
        'Chief Buyer',
        'the failed record went through',
      );
      const after = await h.repos.idMaps.findByHub(h.organization.id, 'people', connecId(ada));
      assert.equal(after?.state, 'linked');
    });
  });

  describe(`a connector list deleted in Constant Contact, met by a bulk write [${kind}]`, () => {
    let h: SyncHarness;
    const people: Hub[] = [];

    before(async () => {
      h = await startSyncHarness({ kind, options: { lookbackMs: 0, bulkThreshold: 1 } });
      for (const name of ['Ann', 'Ben', 'Cy']) {
        people.push(
          h.app.create('people', {
            first_name: name,
            last_name: 'Bulk',
            email: { address: `${name.toLowerCase()}@bulk-lists.example` },
            is_customer: true,
          }),
        );
      }
      await syncOk(h);
      await syncOk(h);
    });
    after(async () => {
      h.cc.assertConformant();
      await h.close();
    });

    it('re-creates the list after a run failed on it in a membership activity', async () => {
      const oldList = h.ccAccount.findListByName('Customer list')!;
      h.ccAccount.deleteListAsUser('Customer list', { touchContacts: false });
      for (const person of people.slice(1)) h.app.update('people', connecId(person), { is_customer: false });
      const failed = await h.sync();
      assert.equal(failed.status, 'failed');
      assert.ok(failed.error?.message.includes(oldList.list_id), failed.error?.message);

      const run = await syncOk(h);
      assert.equal(run.notices.length, 1);
      assert.match(
        run.notices[0]!,
        /^The list "Customer list" was deleted in Constant Contact: the connector re-created it/,
      );
      assert.deepEqual(emailsOf(h.contactsInList('Customer list')), ['ann@bulk-lists.example']);
    });
  });
}
