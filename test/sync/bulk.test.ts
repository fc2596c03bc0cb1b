import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GROUP_A, testSeed } from '../helpers/platform-emulator.ts';
import { type SyncHarness, startSyncHarness } from '../helpers/sync-harness.ts';

const N = Number(process.env.BULK_N ?? 20_000);

describe(`a first sync of ${N.toLocaleString('en')} records`, () => {
  let h: SyncHarness;
  before(async () => {
    const seed = testSeed();
    seed.hubRecords = Array.from({ length: N }, (_, i) => ({
      groupId: GROUP_A,
      collection: 'people' as const,
      record: {
        first_name: `First${i}`,
        last_name: `Last${i}`,
        email: { address: `person${i}@bulk.example` },
        is_customer: true,
      },
    }));
    h = await startSyncHarness({ seed, options: { hubPageSize: 1000 } });
    await h.repos.organizations.updateSettings(h.organization.id, { shareHistorical: true });
  });
  after(async () => {
    h.cc.assertConformant();
    await h.close();
  });

  it('goes to CC through one bulk import and links every record', async () => {
    const run = await h.sync('first_link');
    assert.equal(run.status, 'succeeded', JSON.stringify(run.error));
    const calls = h.cc.requestLog.countByEndpoint();
    assert.equal(calls['POST /v3/activities/contacts_json_import'], 1, JSON.stringify(calls));
    assert.equal(calls['POST /v3/contacts'] ?? 0, 0, 'no contact created one by one');
    const total = h.cc.requestLog.count();
    process.stdout.write(`# ${N} records: ${total} CC requests ${JSON.stringify(calls)}\n`);
    assert.ok(total < 80, `${total} CC requests`);
    assert.equal(h.contactsInList('Customer list').length, N);
    assert.equal(
      (await h.repos.idMaps.countByState(h.organization.id)).linked,
      N + 1,
      'every person and the company',
    );
    assert.equal(run.counts.cc.created, N);
  });

  it('then a run with no changes makes no write call on either side', async () => {
    h.cc.requestLog.clear();
    const hubBefore = h.platform.requestLog.entries.length;
    const run = await h.sync();
    assert.equal(run.status, 'succeeded', JSON.stringify(run.error));
    assert.deepEqual(
      h.cc.requestLog.entries.filter((e) => e.method !== 'GET').map((e) => e.endpoint),
      [],
    );
    assert.deepEqual(
      h.platform.requestLog.entries
        .slice(hubBefore)
        .filter((e) => e.method !== 'GET')
        .map((e) => e.endpoint),
      [],
    );
  });
});

// The bulk path leaves lists by membership activity; it must not depend on how CC reads a PUT's lists either.
for (const mode of ['replace', 'additive'] as const) {
  describe(`changes to many linked contacts at once [PUT list_memberships: ${mode}]`, () => {
    let h: SyncHarness;
    const people: Array<Record<string, unknown>> = [];
    const connecId = (record: Record<string, unknown>) =>
      (record.id as Array<{ id: string; provider: string }>).find((e) => e.provider === 'connec')!.id;

    before(async () => {
      h = await startSyncHarness({ options: { bulkThreshold: 5, hubPageSize: 50 } });
      h.cc.knobs.listMembershipsOnPut = mode;
      for (let i = 0; i < 12; i++) {
        people.push(
          h.app.create('people', {
            first_name: `Many${i}`,
            last_name: 'Lists',
            email: { address: `many${i}@lists.example` },
            is_customer: true,
          }),
        );
      }
      const run = await h.sync();
      assert.equal(run.status, 'succeeded', JSON.stringify(run.error));
    });
    after(async () => {
      h.cc.assertConformant();
      await h.close();
    });

    it('adds contacts to a list with membership activities, not one update each', async () => {
      for (const person of people) h.app.update('people', connecId(person), { is_lead: true });
      h.cc.requestLog.clear();
      const run = await h.sync();
      assert.equal(run.status, 'succeeded', JSON.stringify(run.error));
      const calls = h.cc.requestLog.countByEndpoint();
      assert.equal(calls['POST /v3/activities/add_list_memberships'], 1, JSON.stringify(calls));
      assert.equal(calls['PUT /v3/contacts/:contact_id'] ?? 0, 0, JSON.stringify(calls));
      assert.equal(h.contactsInList('Lead list').length, people.length);
      assert.equal(run.counts.cc.updated, people.length);
    });

    it('sends field changes for many contacts through one bulk import', async () => {
      for (const person of people) h.app.update('people', connecId(person), { job_title: 'Renamed in bulk' });
      h.cc.requestLog.clear();
      const run = await h.sync();
      assert.equal(run.status, 'succeeded', JSON.stringify(run.error));
      const calls = h.cc.requestLog.countByEndpoint();
      assert.equal(calls['POST /v3/activities/contacts_json_import'], 1, JSON.stringify(calls));
      assert.equal(calls['PUT /v3/contacts/:contact_id'] ?? 0, 0, JSON.stringify(calls));
      assert.equal(run.counts.cc.updated, people.length);
      for (let i = 0; i < people.length; i++) {
        assert.equal(h.ccAccount.contact(`many${i}@lists.example`)?.job_title, 'Renamed in bulk');
      }
    });

    it('takes contacts made INACTIVE out of every list with membership activities', async () => {
      for (const person of people) h.app.update('people', connecId(person), { status: 'INACTIVE' });
      h.cc.requestLog.clear();
      const run = await h.sync();
      assert.equal(run.status, 'succeeded', JSON.stringify(run.error));
      const calls = h.cc.requestLog.countByEndpoint();
      assert.equal(calls['POST /v3/activities/remove_list_memberships'], 2, 'one per list left');
      assert.equal(calls['PUT /v3/contacts/:contact_id'] ?? 0, 0);
      assert.equal(h.contactsInList('Customer list').length, 0);
      assert.equal(h.contactsInList('Lead list').length, 0);
    });

    it('then finds nothing more to do', async () => {
      h.cc.requestLog.clear();
      const run = await h.sync();
      assert.equal(run.status, 'succeeded');
      assert.deepEqual(
        h.cc.requestLog.entries.filter((e) => e.method !== 'GET').map((e) => e.endpoint),
        [],
      );
    });
  });
}
