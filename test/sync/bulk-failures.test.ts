import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ActivityOutcome } from '../../sandbox/constantcontact/index.ts';
import { findOwnId } from '../../src/connec/ids.ts';
import { TEST_DATABASES } from '../helpers/databases.ts';
import {
  CC_ACCOUNT_ID,
  connecId,
  type SyncHarness,
  startSyncHarness,
  syncOk,
} from '../helpers/sync-harness.ts';

const IMPORT = 'POST /v3/activities/contacts_json_import';
const ADD = 'POST /v3/activities/add_list_memberships';
const PER_BATCH = 3;

type Person = Record<string, unknown>;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Creates customers in the hub, as another app would: more than the bulk threshold, so they go by import. */
function createCustomers(h: SyncHarness, tag: string): Person[] {
  return Array.from({ length: PER_BATCH }, (_, i) =>
    h.app.create('people', {
      first_name: `${tag}${i}`,
      last_name: 'Bulk',
      email: { address: `${tag}-${i}@bulk-failures.example` },
      is_customer: true,
    }),
  );
}

async function idMapsOf(h: SyncHarness, people: Person[]) {
  return Promise.all(
    people.map(async (p) => (await h.repos.idMaps.findByHub(h.organization.id, 'people', connecId(p)))!),
  );
}

/** Each person is in CC once, linked to that contact, the hub knows its id, and no person came back as new. */
async function assertSharedOnce(h: SyncHarness, people: Person[]) {
  for (const [i, map] of (await idMapsOf(h, people)).entries()) {
    const email = ((people[i]!.email as { address: string }).address as string).toLowerCase();
    const inCc = h.ccAccount.contacts().filter((c) => c.email_address?.address === email);
    assert.equal(inCc.length, 1, `${email} is in CC once`);
    assert.equal(map.state, 'linked', `${email}: ${map.reason}`);
    assert.equal(map.ccContactId, inCc[0]!.contact_id);
    const inHub = h
      .hubRecords('people')
      .filter((r) => (r.email as { address?: string } | undefined)?.address?.toLowerCase() === email);
    assert.equal(inHub.length, 1, `${email} is in the hub once`);
    assert.equal(findOwnId(inHub[0]!.id as never, CC_ACCOUNT_ID), inCc[0]!.contact_id);
  }
}

for (const kind of TEST_DATABASES) {
  describe(`bulk activities that fail, stall or are refused [${kind}]`, () => {
    let h: SyncHarness;
    before(async () => {
      h = await startSyncHarness({ kind, options: { bulkThreshold: 2, activityDeadlineMs: 300 } });
    });
    after(async () => {
      h.cc.assertConformant();
      await h.close();
    });

    const ends: Array<[Exclude<ActivityOutcome, 'completed' | 'stalled'>, RegExp]> = [
      ['failed', /^Constant Contact's bulk import failed; retried automatically$/],
      ['cancelled', /^Constant Contact's bulk import was cancelled; retried automatically$/],
      ['timed_out', /^Constant Contact's bulk import timed out; retried automatically$/],
    ];
    for (const [end, reason] of ends) {
      it(`records of an import that ends ${end} are failed with a readable reason, then shared once by the next run`, async () => {
        const people = createCustomers(h, end);
        h.cc.knobs.activityOutcomes.push(end);
        const run = await syncOk(h);
        assert.equal(run.counts.cc.failed, PER_BATCH);
        for (const map of await idMapsOf(h, people)) {
          assert.equal(map.state, 'failed');
          assert.match(map.reason ?? '', reason);
          assert.ok(map.nextRetryAt && map.nextRetryAt <= new Date().toISOString(), 'due on the next run');
        }
        for (const p of people)
          assert.equal(h.ccAccount.contact((p.email as { address: string }).address), undefined);

        h.cc.requestLog.clear();
        const retry = await syncOk(h);
        assert.equal(h.cc.requestLog.countByEndpoint()[IMPORT], 1, 'retried together, in one import');
        assert.equal(retry.counts.cc.created, PER_BATCH);
        await assertSharedOnce(h, people);
      });
    }

    it('an import still processing at the deadline is given up without waiting; its late completion links, not duplicates', async () => {
      const people = createCustomers(h, 'stalled');
      h.cc.knobs.activityStallMs = 1500;
      h.cc.knobs.activityOutcomes.push('stalled');
      const started = Date.now();
      const run = await syncOk(h);
      assert.ok(Date.now() - started < 1500, 'the run did not wait for the stalled activity');
      assert.equal(run.counts.cc.failed, PER_BATCH);
      for (const map of await idMapsOf(h, people)) {
        assert.match(
          map.reason ?? '',
          /^Constant Contact's bulk import was still processing .*; retried automatically$/,
        );
      }
      await sleep(1600);
      assert.ok(h.ccAccount.contact('stalled-0@bulk-failures.example'), 'CC completed it after all');
      h.cc.requestLog.clear();
      await syncOk(h);
      assert.equal(h.cc.requestLog.countByEndpoint()[IMPORT] ?? 0, 0, 'found by email, not imported again');
      await assertSharedOnce(h, people);
    });

    it('a retry that runs before a stalled import completes imports again, and the late completion only updates', async () => {
      const people = createCustomers(h, 'overtaken');
      h.cc.knobs.activityStallMs = 1500;
      h.cc.knobs.activityOutcomes.push('stalled');
      await syncOk(h);
      h.cc.requestLog.clear();
      const retry = await syncOk(h);
      assert.equal(h.cc.requestLog.countByEndpoint()[IMPORT], 1);
      assert.equal(retry.counts.cc.created, PER_BATCH);
      await sleep(1600);
      await syncOk(h);
      await assertSharedOnce(h, people);
    });

    it('an import CC will not queue (429, too many queued) is retried on the next run, not blamed on the data', async () => {
      const people = createCustomers(h, 'queued');
      h.cc.knobs.activityQueueLimit = 0;
      try {
        h.cc.requestLog.clear();
        await syncOk(h);
        assert.equal(
          h.cc.requestLog.count((e) => e.endpoint === IMPORT && e.status === 429),
          1,
          'not retried at once',
        );
        for (const map of await idMapsOf(h, people)) {
          assert.equal(map.state, 'failed');
          assert.match(map.reason ?? '', /too many bulk jobs are queued.*retried automatically/);
          assert.doesNotMatch(map.reason ?? '', /refused/);
        }
      } finally {
        h.cc.knobs.activityQueueLimit = 1000;
      }
      await syncOk(h);
      await assertSharedOnce(h, people);
    });

    it('records of a list activity that fails are failed, then their lists change on the next run', async () => {
      const people = createCustomers(h, 'lists');
      await syncOk(h);
      for (const p of people) h.app.update('people', connecId(p), { is_lead: true });
      h.cc.knobs.activityOutcomes.push('failed');
      const run = await syncOk(h);
      assert.equal(run.counts.cc.failed, PER_BATCH);
      for (const map of await idMapsOf(h, people)) {
        assert.equal(map.state, 'failed');
        assert.equal(map.reason, "Constant Contact's bulk list update failed; retried automatically");
      }
      assert.equal(h.contactsInList('Lead list').length, 0);
      h.cc.requestLog.clear();
      await syncOk(h);
      assert.equal(h.cc.requestLog.countByEndpoint()[ADD], 1, 'retried together, in one activity');
      assert.equal(h.contactsInList('Lead list').length, PER_BATCH);
      await assertSharedOnce(h, people);
    });
  });
}
