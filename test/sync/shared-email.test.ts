import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findOwnId } from '../../src/connec/ids.ts';
import { TEST_DATABASES } from '../helpers/databases.ts';
import { CC_ACCOUNT_ID, connecId, type SyncHarness, startSyncHarness } from '../helpers/sync-harness.ts';

/** A run that succeeds with no write refused on either side (a refused one would be listed as not shared). */
async function syncWithoutFailures(h: SyncHarness) {
  const run = await h.sync();
  assert.equal(run.status, 'succeeded');
  assert.deepEqual([run.counts.hub.failed, run.counts.cc.failed], [0, 0], JSON.stringify(run.counts));
}

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

      for (let run = 0; run < 3; run += 1) await syncWithoutFailures(h);

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

    it('leave the contact id on the record that carries it when a record of the same email comes later', async () => {
      h.ccAccount.createContactAsUser({ email: 'carrier@example.com', first_name: 'Cara', last_name: 'Cc' });
      await syncWithoutFailures(h);
      const carriers = () =>
        h
          .hubRecords('people')
          .filter(
            (p) =>
              findOwnId(p.id as never, CC_ACCOUNT_ID) !== undefined &&
              (p.email as { address?: string })?.address?.toLowerCase() === 'carrier@example.com',
          );
      const [carrier] = carriers();
      assert.ok(carrier, 'the contact created in CC became a person carrying its id');
      // A later record with a lower hub id is the contact's primary record; Connec! still lets only one
      // record per collection carry the id. Hub ids are random: add records until one sorts first.
      for (let i = 0; i < 40; i += 1) {
        const later = h.app.create('people', {
          first_name: 'Later',
          last_name: `Twin ${i}`,
          email: { address: 'carrier@example.com' },
          is_customer: true,
        });
        if (connecId(later) < connecId(carrier)) break;
      }
      for (let run = 0; run < 2; run += 1) await syncWithoutFailures(h);
      assert.deepEqual(
        carriers().map(connecId),
        [connecId(carrier)],
        'the first record keeps the id, and only it',
      );
    });
  });
}
