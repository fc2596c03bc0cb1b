import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TEST_DATABASES } from '../helpers/databases.ts';
import { connecId, type SyncHarness, startSyncHarness, syncOk } from '../helpers/sync-harness.ts';

type Hub = Record<string, unknown>;

/** An email of exactly `length` characters. */
const emailOf = (length: number, tag: string) => `${tag}${'x'.repeat(length - tag.length - 12)}@example.com`;

for (const kind of TEST_DATABASES) {
  describe(`emails CC's import does not take, in a bulk run [${kind}]`, () => {
    let h: SyncHarness;
    const people: Hub[] = [];
    const fifty = emailOf(50, 'fifty');
    const fiftyOne = emailOf(51, 'fiftyone');
    const eighty = emailOf(80, 'eighty');
    const eightyOne = emailOf(81, 'eightyone');

    before(async () => {
      h = await startSyncHarness({ kind, options: { bulkThreshold: 2 } });
    });
    after(async () => {
      // The contract check: no import row ever carried an email over 50 characters.
      h.cc.assertConformant();
      await h.close();
    });

    it('imports emails of up to 50 characters, creates longer ones one by one, and excludes what CC refuses', async () => {
      for (const [i, email] of [
        fifty,
        'short1@example.com',
        'short2@example.com',
        fiftyOne,
        eighty,
        eightyOne,
      ].entries()) {
        people.push(
          h.app.create('people', {
            first_name: `Long${i}`,
            last_name: 'Mail',
            email: { address: email },
            is_customer: true,
          }),
        );
      }
      h.cc.requestLog.clear();
      const run = await syncOk(h);
      const calls = h.cc.requestLog.countByEndpoint();
      assert.equal(calls['POST /v3/activities/contacts_json_import'], 1, JSON.stringify(calls));
      assert.equal(calls['POST /v3/contacts'], 2, JSON.stringify(calls));
      for (const email of [fifty, fiftyOne, eighty]) assert.ok(h.ccAccount.contact(email), email);
      assert.equal(h.ccAccount.contact(eightyOne), undefined);
      assert.equal(run.counts.cc.created, 5);
      const excluded = await h.repos.idMaps.findByHub(h.organization.id, 'people', connecId(people[5]!));
      assert.equal(excluded?.state, 'excluded');
      assert.match(excluded?.reason ?? '', /longer than 80 characters/);
    });

    it('updates contacts with emails over 50 characters one by one, the others in bulk', async () => {
      for (const person of people.slice(0, 5))
        h.app.update('people', connecId(person), { job_title: 'Renamed' });
      h.cc.requestLog.clear();
      await syncOk(h);
      const calls = h.cc.requestLog.countByEndpoint();
      assert.equal(calls['POST /v3/activities/contacts_json_import'], 1, JSON.stringify(calls));
      assert.equal(calls['PUT /v3/contacts/:contact_id'], 2, JSON.stringify(calls));
      for (const email of [fifty, fiftyOne, eighty, 'short1@example.com']) {
        assert.equal(h.ccAccount.contact(email)?.job_title, 'Renamed', email);
      }
    });
  });
}
