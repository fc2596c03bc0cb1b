import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TEST_DATABASES } from '../helpers/databases.ts';
import { type SyncHarness, startSyncHarness } from '../helpers/sync-harness.ts';

type Hub = Record<string, unknown>;
const connecId = (record: Hub) =>
  (record.id as Array<{ id: string; provider: string }>).find((e) => e.provider === 'connec')!.id;

for (const kind of TEST_DATABASES) {
  // Two people with one email share one contact, which carries the fields of its primary record (the lower
  // hub id). Records are read in the order they changed, so the primary one may come second in a run.
  describe(`two hub records with one email [${kind}]`, () => {
    let h: SyncHarness;
    before(async () => {
      h = await startSyncHarness({ kind });
    });
    after(async () => {
      h.cc.assertConformant();
      await h.close();
    });

    it('leave CC with the fields of the primary record even when it is read after the other', async () => {
      const person = (first_name: string) =>
        h.app.create('people', {
          first_name,
          last_name: 'Twin',
          email: { address: 'twin@example.com' },
          is_customer: true,
        });
      const [one, two] = [person('One'), person('Two')];
      const [primary, other] = connecId(one) < connecId(two) ? [one, two] : [two, one];
      const pause = () => new Promise((r) => setTimeout(r, 5));
      await pause();
      // CC already holds the primary record's name; the other record, changed next, has another one; the
      // primary record, changed last, is read after it in the run.
      h.ccAccount.createContactAsUser({ email: 'TWIN@example.com', first_name: 'Alpha', last_name: 'Twin' });
      await pause();
      h.app.update('people', connecId(other), { first_name: 'Bravo' });
      await pause();
      h.app.update('people', connecId(primary), { first_name: 'Alpha', job_title: 'Owner' });

      for (let run = 0; run < 3; run += 1) assert.equal((await h.sync()).status, 'succeeded');

      const contact = h.ccAccount.contact('twin@example.com');
      const people = new Map(h.hubRecords('people').map((p) => [connecId(p), p]));
      const primaryNow = people.get(connecId(primary))!;
      assert.equal(primaryNow.first_name, 'Alpha');
      assert.equal(contact?.first_name, 'Alpha', 'CC carries the primary record');
      assert.equal(contact?.job_title, 'Owner');
      assert.equal(people.get(connecId(other))?.first_name, 'Bravo', 'the other keeps its own');
      const failed = await h.repos.idMaps.page(h.organization.id, {
        states: ['failed'],
        limit: 10,
        offset: 0,
      });
      assert.deepEqual(
        failed.items.map((m) => m.reason),
        [],
      );
    });
  });
}
