import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ActivityOutcome } from '../../../sandbox/constantcontact/index.ts';
import type { CcContactUpdate } from '../../../src/constantcontact/types.ts';
import { leaveListsStillHeld } from '../../../src/sync/apply/lists-left-after-put.ts';
import { DEFAULT_SYNC_OPTIONS, type SyncContext } from '../../../src/sync/sync-context.ts';
import { TEST_DATABASES } from '../../helpers/databases.ts';
import { connecId, type SyncHarness, startSyncHarness, syncOk } from '../../helpers/sync-harness.ts';

type Person = Record<string, unknown>;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('leaving lists after a PUT', () => {
  let h: SyncHarness;
  let ctx: SyncContext;
  let ours: { customer: string; lead: string };
  let theirs: string;

  before(async () => {
    h = await startSyncHarness();
    ours = {
      customer: h.ccAccount.createList('Customer list').list_id,
      lead: h.ccAccount.createList('Lead list').list_id,
    };
    theirs = h.ccAccount.createList('Newsletter').list_id;
    // Only what leaveListsStillHeld reads of a run: the organization's CC client, the connector's lists,
    // the activity deadline and the logger.
    ctx = {
      cc: h.engine.cc.forOrganization(h.organization.id),
      lists: { ourListIds: new Set(Object.values(ours)) },
      options: { ...DEFAULT_SYNC_OPTIONS, activityDeadlineMs: 300 },
      logger: h.engine.logger,
    } as unknown as SyncContext;
  });
  after(async () => {
    h.cc.assertConformant();
    await h.close();
  });

  async function put(email: string, lists: string[]) {
    const original = h.ccAccount.createContactAsUser({
      email,
      lists: ['Customer list', 'Lead list', 'Newsletter'],
    });
    const sent: CcContactUpdate = {
      email_address: { address: email },
      list_memberships: lists,
      update_source: 'Account',
    };
    const answer = await ctx.cc.contacts.update(original.contact_id, sent);
    return { original, sent, answer };
  }

  it('reads the contact when the answer has no lists, and leaves what it still holds by activity', async () => {
    h.cc.knobs.listMembershipsOnPut = 'additive';
    const { original, sent, answer } = await put('no-lists-answer@example.com', [ours.customer, theirs]);
    const { list_memberships: _omitted, ...withoutLists } = answer;
    h.cc.requestLog.clear();
    const { contact: held, gaveUp } = await leaveListsStillHeld(ctx, original, sent, withoutLists);
    assert.equal(gaveUp, undefined);
    const calls = h.cc.requestLog.countByEndpoint();
    assert.equal(calls['GET /v3/contacts/:contact_id'], 1, JSON.stringify(calls));
    assert.equal(calls['POST /v3/activities/remove_list_memberships'], 1, JSON.stringify(calls));
    assert.deepEqual([...(held.list_memberships ?? [])].sort(), [ours.customer, theirs].sort());
    assert.deepEqual(
      [...(h.ccAccount.contact(original.contact_id)?.list_memberships ?? [])].sort(),
      [ours.customer, theirs].sort(),
      'CC has it before the function returns',
    );
  });

  it('spends nothing more when the PUT already left the lists', async () => {
    h.cc.knobs.listMembershipsOnPut = 'replace';
    const { original, sent, answer } = await put('replaced@example.com', [ours.customer, theirs]);
    h.cc.requestLog.clear();
    const { contact: held, gaveUp } = await leaveListsStillHeld(ctx, original, sent, answer);
    assert.equal(h.cc.requestLog.count(), 0);
    assert.equal(gaveUp, undefined);
    assert.deepEqual(held.list_memberships, answer.list_memberships);
  });

  it("never takes the contact out of a list that is not the connector's", async () => {
    h.cc.knobs.listMembershipsOnPut = 'additive';
    // A body cut short (e.g. at CC's 50 lists) leaves out the user's list: the connector did not mean to leave it.
    const { original, sent, answer } = await put('cut-short@example.com', [ours.customer]);
    const { contact: held, gaveUp } = await leaveListsStillHeld(ctx, original, sent, answer);
    assert.equal(gaveUp, undefined);
    assert.deepEqual([...(held.list_memberships ?? [])].sort(), [ours.customer, theirs].sort());
    assert.ok(h.ccAccount.contact(original.contact_id)?.list_memberships?.includes(theirs));
    h.cc.knobs.listMembershipsOnPut = 'replace';
  });

  it('fills in the sub-resources the answer leaves out with what CC keeps', async () => {
    const field = h.ccAccount.createCustomFieldAsUser({ label: 'Tier' });
    const original = h.ccAccount.createContactAsUser({
      email: 'sub-resources@example.com',
      phone_numbers: [{ phone_number: '555-0111', kind: 'home' }],
      custom_fields: [{ custom_field_id: field.custom_field_id, value: 'Gold' }],
    });
    const sent: CcContactUpdate = {
      email_address: { address: 'sub-resources@example.com' },
      phone_numbers: [{ phone_number: '555-0122', kind: 'work' }],
      list_memberships: [],
      update_source: 'Account',
    };
    const answer = await ctx.cc.contacts.update(original.contact_id, sent);
    const { phone_numbers: _p, custom_fields: _c, ...bare } = answer;
    const { contact: held } = await leaveListsStillHeld(ctx, original, sent, bare);
    assert.deepEqual(held.phone_numbers, sent.phone_numbers, 'what was sent');
    assert.deepEqual(held.custom_fields, original.custom_fields, 'what the contact had, since none was sent');
  });

  it("waits no longer than the run's deadline and answers why the contact is still in the list", async () => {
    h.cc.knobs.listMembershipsOnPut = 'additive';
    try {
      const { original, sent, answer } = await put('stalled-leave@example.com', [ours.customer, theirs]);
      h.cc.knobs.activityStallMs = 3000;
      h.cc.knobs.activityOutcomes.push('stalled');
      const started = Date.now();
      const { contact: held, gaveUp } = await leaveListsStillHeld(ctx, original, sent, answer);
      assert.ok(Date.now() - started < 2000, 'gave up at the 300 ms deadline, not at the 10-minute default');
      assert.match(
        gaveUp ?? '',
        /^Constant Contact's bulk list update was still processing when .*; retried automatically$/,
      );
      assert.ok(held.list_memberships?.includes(ours.lead), 'held as CC answered: still in the lead list');
    } finally {
      h.cc.knobs.listMembershipsOnPut = 'replace';
    }
  });

  it('once CC will not queue the activity, sends no other in the run', async () => {
    h.cc.knobs.listMembershipsOnPut = 'additive';
    h.cc.knobs.activityQueueLimit = 0;
    const run = { ...ctx } as SyncContext;
    try {
      const first = await put('queue-full-1@example.com', [ours.customer]);
      const second = await put('queue-full-2@example.com', [ours.customer]);
      h.cc.requestLog.clear();
      const one = await leaveListsStillHeld(run, first.original, first.sent, first.answer);
      const two = await leaveListsStillHeld(run, second.original, second.sent, second.answer);
      for (const left of [one, two]) assert.match(left.gaveUp ?? '', /too many bulk jobs are queued/);
      assert.equal(h.cc.requestLog.count(), 1, 'only the first activity was sent');
      assert.equal(run.activityQueueFull?.code, 'CC_ACTIVITY_QUEUE_FULL');
    } finally {
      h.cc.knobs.activityQueueLimit = 1000;
      h.cc.knobs.listMembershipsOnPut = 'replace';
    }
  });
});

const REMOVE = 'POST /v3/activities/remove_list_memberships';

async function idMapsOf(h: SyncHarness, people: Person[]) {
  return Promise.all(
    people.map(async (p) => (await h.repos.idMaps.findByHub(h.organization.id, 'people', connecId(p)))!),
  );
}

const emailOf = (p: Person) => (p.email as { address: string }).address;

/**
 * Under CC's `additive` reading of a PUT's lists, a contact leaving one of the connector's lists leaves it
 * through a remove_list_memberships activity after its PUT: that activity may end badly too.
 */
for (const kind of TEST_DATABASES) {
  describe(`leaving a list after an update, when CC reads a PUT's lists as additions [${kind}]`, () => {
    let h: SyncHarness;
    before(async () => {
      h = await startSyncHarness({ kind, options: { bulkThreshold: 2, activityDeadlineMs: 300 } });
      h.cc.knobs.listMembershipsOnPut = 'additive';
    });
    after(async () => {
      h.cc.assertConformant();
      await h.close();
    });

    /** Customers and leads, shared; then each stops being a lead and changes its job title in the hub. */
    async function leadsLeaving(tag: string, n = 1): Promise<Person[]> {
      const people = Array.from({ length: n }, (_, i) =>
        h.app.create('people', {
          first_name: `${tag}${i}`,
          last_name: 'Leaving',
          email: { address: `${tag}-${i}@leaving.example` },
          is_customer: true,
          is_lead: true,
        }),
      );
      await syncOk(h);
      for (const p of people) h.app.update('people', connecId(p), { is_lead: false, job_title: 'Owner' });
      return people;
    }

    const inLeadList = (p: Person) =>
      h.contactsInList('Lead list').some((c) => c.email_address?.address === emailOf(p));

    /** The record is linked again to its one contact, which took the update and left the lead list. */
    async function assertLeft(people: Person[]) {
      for (const [i, map] of (await idMapsOf(h, people)).entries()) {
        const p = people[i]!;
        const inCc = h.ccAccount.contacts().filter((c) => c.email_address?.address === emailOf(p));
        assert.equal(inCc.length, 1, `${emailOf(p)} is in CC once`);
        assert.equal(map.state, 'linked', `${emailOf(p)}: ${map.reason}`);
        assert.equal(map.ccContactId, inCc[0]!.contact_id);
        assert.equal(inLeadList(p), false, `${emailOf(p)} left the lead list`);
        assert.equal(h.ccAccount.contact(emailOf(p))?.job_title, 'Owner');
        assert.ok(h.contactsInList('Customer list').some((c) => c.email_address?.address === emailOf(p)));
        const inHub = h
          .hubRecords('people')
          .filter((r) => (r.email as { address?: string } | undefined)?.address === emailOf(p));
        assert.equal(inHub.length, 1, `${emailOf(p)} is in the hub once`);
        assert.equal(inHub[0]!.is_lead, false, 'the hub keeps its change');
      }
    }

    const ends: Array<[Exclude<ActivityOutcome, 'completed' | 'stalled'>, string]> = [
      ['failed', "Constant Contact's bulk list update failed; retried automatically"],
      ['cancelled', "Constant Contact's bulk list update was cancelled; retried automatically"],
      ['timed_out', "Constant Contact's bulk list update timed out; retried automatically"],
    ];
    for (const [end, reason] of ends) {
      it(`a record whose list activity ends ${end} is failed with a reason, the run succeeds, and the next run takes it out of the list`, async () => {
        const people = await leadsLeaving(end);
        h.cc.knobs.activityOutcomes.push(end);
        const run = await syncOk(h);
        assert.equal(run.error, null);
        assert.equal(run.counts.cc.failed, 1);
        const [map] = await idMapsOf(h, people);
        assert.equal(map!.state, 'failed');
        assert.equal(map!.reason, reason);
        assert.ok(map!.nextRetryAt && map!.nextRetryAt <= new Date().toISOString(), 'due on the next run');
        assert.equal(inLeadList(people[0]!), true, 'CC still holds it in the lead list');
        assert.equal(
          h.ccAccount.contact(emailOf(people[0]!))?.job_title,
          'Owner',
          'the update itself landed',
        );

        h.cc.requestLog.clear();
        await syncOk(h);
        assert.equal(h.cc.requestLog.countByEndpoint()[REMOVE], 1);
        await assertLeft(people);
      });
    }

    it('a list activity still processing at the deadline is given up without waiting; its late completion changes nothing more', async () => {
      const people = await leadsLeaving('stalled');
      h.cc.knobs.activityStallMs = 1500;
      h.cc.knobs.activityOutcomes.push('stalled');
      const started = Date.now();
      const run = await syncOk(h);
      assert.ok(Date.now() - started < 1500, 'the run did not wait for the stalled activity');
      assert.equal(run.counts.cc.failed, 1);
      const [map] = await idMapsOf(h, people);
      assert.equal(map!.state, 'failed');
      assert.match(
        map!.reason ?? '',
        /^Constant Contact's bulk list update was still processing when the connector stopped waiting for it; retried automatically$/,
      );
      // The retry runs before CC completes the stalled activity: it sends its own, which completes.
      await syncOk(h);
      await assertLeft(people);
      await sleep(1600);
      await syncOk(h);
      await assertLeft(people);
    });

    it('records whose list activity CC will not queue (429) are failed, only one activity is tried, and the next run takes them out', async () => {
      const people = await leadsLeaving('queue-full', 2);
      h.cc.knobs.activityQueueLimit = 0;
      try {
        h.cc.requestLog.clear();
        const run = await syncOk(h);
        assert.equal(run.counts.cc.failed, 2);
        assert.equal(
          h.cc.requestLog.count((e) => e.endpoint === REMOVE),
          1,
          'the second is not sent',
        );
        for (const map of await idMapsOf(h, people)) {
          assert.equal(map.state, 'failed');
          assert.equal(
            map.reason,
            "Constant Contact's bulk list update was not accepted: too many bulk jobs are queued for this account; retried automatically",
          );
        }
      } finally {
        h.cc.knobs.activityQueueLimit = 1000;
      }
      await syncOk(h);
      await assertLeft(people);
    });
  });
}
