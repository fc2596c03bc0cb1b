import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { importLimits } from '../../../sandbox/constantcontact/index.ts';
import { type CcTestEmulator, startCcEmulatorForTest } from '../../helpers/cc-emulator.ts';
import { type CcJson, callCc, waitForActivityEnd } from './cc-test-client.ts';

const clientId = 'bulk-client';

/** Polls an activity until it completes; returns the states seen in order (each once). */
async function waitForActivity(
  cc: CcTestEmulator,
  token: string,
  activityId: string,
): Promise<{ states: string[]; activity: CcJson }> {
  const ended = await waitForActivityEnd(cc, token, activityId);
  assert.equal(ended.activity.state, 'completed', `activity ${activityId} ended ${ended.activity.state}`);
  return ended;
}

describe('CC emulator: bulk activities', () => {
  let cc: CcTestEmulator;
  let token: string;
  let listId: string;

  before(async () => {
    cc = await startCcEmulatorForTest({
      clients: [{ clientId, clientSecret: 's', redirectUris: ['http://127.0.0.1/cb'] }],
      accounts: [
        {
          accountId: 'acct-bulk',
          username: 'bulk@example.com',
          password: 'pw',
          organizationName: 'Bulk Co',
          lists: ['Customer list'],
        },
      ],
      ratePerSecond: 100_000,
      activityStepMs: 40,
    });
    token = cc.grantTokens({ accountId: 'acct-bulk', clientId }).access_token;
    listId = cc.accounts.get('acct-bulk').findListByName('Customer list')!.list_id;
  });
  after(async () => {
    cc.assertConformant();
    await cc.close();
  });

  it('accepts a 100,000-row import in 3 requests of at most 40,000 rows and completes each through the states', async () => {
    const rows = Array.from({ length: 100_000 }, (_, i) => ({ email: `bulk-${i}@example.com` }));
    const activityIds: string[] = [];
    for (let start = 0; start < rows.length; start += importLimits.maxRows) {
      const answer = await callCc(cc, token, 'POST', '/v3/activities/contacts_json_import', {
        import_data: rows.slice(start, start + importLimits.maxRows),
        list_ids: [listId],
      });
      assert.equal(answer.status, 201);
      assert.equal(answer.body.state, 'initialized');
      assert.equal(answer.body._links.self.href, `/v3/activities/${answer.body.activity_id}`);
      assert.equal(answer.body.contact_ids, undefined, 'an import returns no contact ids');
      activityIds.push(answer.body.activity_id);
    }
    assert.equal(activityIds.length, 3);
    assert.equal(cc.requestLog.countByEndpoint()['POST /v3/activities/contacts_json_import'], 3);
    for (const id of activityIds) {
      const { states, activity } = await waitForActivity(cc, token, id);
      assert.deepEqual(states, ['initialized', 'processing', 'completed'].slice(3 - states.length));
      assert.ok(states.includes('completed'));
      assert.equal(activity.percent_done, 100);
      assert.equal(activity.status.error_count, 0);
      assert.ok(activity.completed_at);
    }
    assert.equal(cc.accounts.get('acct-bulk').storedContacts().length, 100_000);
    const counted = await callCc(cc, token, 'GET', `/v3/contacts?lists=${listId}&include_count=true&limit=1`);
    assert.equal(counted.body.contacts_count, 100_000);
  });

  it('refuses 40,001 rows and a body over 4 MB', async () => {
    const tooMany = await callCc(cc, token, 'POST', '/v3/activities/contacts_json_import', {
      import_data: Array.from({ length: importLimits.maxRows + 1 }, (_, i) => ({
        email: `x-${i}@example.com`,
      })),
      list_ids: [listId],
    });
    assert.equal(tooMany.status, 400);
    assert.equal(typeof tooMany.body[0].error_key, 'string');

    const fat = (i: number) => ({
      email: `fat-${i}@example.com`,
      first_name: 'F'.repeat(50),
      last_name: 'L'.repeat(50),
      job_title: 'J'.repeat(50),
      company_name: 'C'.repeat(50),
      street: 'S'.repeat(250),
    });
    const rows = Array.from({ length: 10_000 }, (_, i) => fat(i));
    const body = JSON.stringify({ import_data: rows, list_ids: [listId] });
    assert.ok(Buffer.byteLength(body) > importLimits.maxBytes && rows.length < importLimits.maxRows);
    const tooBig = await callCc(cc, token, 'POST', '/v3/activities/contacts_json_import', body);
    assert.equal(tooBig.status, 400);
    assert.match(tooBig.body[0].error_message, /4 MB/);

    const justUnder = rows.slice(0, 7000);
    assert.ok(
      Buffer.byteLength(JSON.stringify({ import_data: justUnder, list_ids: [listId] })) <=
        importLimits.maxBytes,
    );
    const accepted = await callCc(cc, token, 'POST', '/v3/activities/contacts_json_import', {
      import_data: justUnder,
      list_ids: [listId],
    });
    assert.equal(accepted.status, 201);
  });

  it('reports a row with an invalid email in the activity and imports the others', async () => {
    const answer = await callCc(cc, token, 'POST', '/v3/activities/contacts_json_import', {
      import_data: [
        { email: 'good-1@example.com', first_name: 'Good' },
        { email: 'not an email', first_name: 'Bad' },
        {
          email: 'good-2@example.com',
          work_phone: '555-0101',
          work_street: '2 Side St',
          work_city: 'Austin',
        },
      ],
      list_ids: [listId],
    });
    const { activity } = await waitForActivity(cc, token, answer.body.activity_id);
    assert.equal(activity.status.items_total_count, 3);
    assert.equal(activity.status.person_count, 2);
    assert.equal(activity.status.error_count, 1);
    assert.equal(activity.activity_errors.length, 1);
    assert.match(activity.activity_errors[0], /Row 2/);
    const account = cc.accounts.get('acct-bulk');
    assert.ok(account.contact('good-1@example.com'));
    assert.equal(account.contact('not an email'), undefined);
    const second = account.contact('good-2@example.com')!;
    assert.deepEqual(
      second.phone_numbers!.map((p: CcJson) => [p.kind, p.phone_number]),
      [['work', '555-0101']],
    );
    assert.equal(second.street_addresses![0]!.kind, 'work');
    assert.deepEqual(second.list_memberships, [listId]);
  });

  it('adds and removes list memberships and bulk-deletes contacts', async () => {
    const account = cc.accounts.get('acct-bulk');
    const supplier = await callCc(cc, token, 'POST', '/v3/contact_lists', { name: 'Supplier list' });
    const ids = ['m1', 'm2', 'm3'].map(
      (n) => account.createContactAsUser({ email: `${n}@example.com` }).contact_id as string,
    );

    const add = await callCc(cc, token, 'POST', '/v3/activities/add_list_memberships', {
      source: { contact_ids: ids },
      list_ids: [supplier.body.list_id],
    });
    assert.equal(add.status, 201);
    const added = await waitForActivity(cc, token, add.body.activity_id);
    assert.equal(added.activity.status.items_completed_count, 3);
    assert.deepEqual(account.contact('m1@example.com')!.list_memberships, [supplier.body.list_id]);

    const remove = await callCc(cc, token, 'POST', '/v3/activities/remove_list_memberships', {
      source: { contact_ids: [ids[0]] },
      list_ids: [supplier.body.list_id],
    });
    await waitForActivity(cc, token, remove.body.activity_id);
    assert.deepEqual(account.contact('m1@example.com')!.list_memberships, []);
    assert.deepEqual(account.contact('m2@example.com')!.list_memberships, [supplier.body.list_id]);

    const del = await callCc(cc, token, 'POST', '/v3/activities/contact_delete', {
      contact_ids: [ids[1], ids[2]],
    });
    assert.equal(del.status, 201);
    const deleted = await waitForActivity(cc, token, del.body.activity_id);
    assert.equal(deleted.activity.status.items_completed_count, 2);
    assert.ok(account.contact('m2@example.com')!.deleted_at);
    assert.deepEqual(account.contact('m2@example.com')!.list_memberships, []);
  });

  it('answers 404 for an activity of another account', async () => {
    const missing = await callCc(cc, token, 'GET', '/v3/activities/3fa85f64-5717-4562-b3fc-2c963f66afa6');
    assert.equal(missing.status, 404);
  });
});

describe('CC emulator: activity states', () => {
  it('shows initialized, then processing, then completed, and applies the work only at the end', async () => {
    // Long steps so that polling cannot miss a state even on a loaded CI machine.
    const cc = await startCcEmulatorForTest({
      clients: [{ clientId, clientSecret: 's', redirectUris: ['http://127.0.0.1/cb'] }],
      accounts: [
        {
          accountId: 'acct-states',
          username: 's@example.com',
          password: 'pw',
          organizationName: 'S',
          lists: ['L'],
        },
      ],
      ratePerSecond: 100_000,
      activityStepMs: 400,
    });
    try {
      const token = cc.grantTokens({ accountId: 'acct-states', clientId }).access_token;
      const account = cc.accounts.get('acct-states');
      const answer = await callCc(cc, token, 'POST', '/v3/activities/contacts_json_import', {
        import_data: [{ email: 'states@example.com' }],
        list_ids: [account.findListByName('L')!.list_id],
      });
      assert.equal(answer.body.state, 'initialized');
      assert.equal(account.contact('states@example.com'), undefined, 'nothing is imported before completion');
      const { states, activity } = await waitForActivity(cc, token, answer.body.activity_id);
      assert.deepEqual(states, ['initialized', 'processing', 'completed']);
      assert.ok(activity.started_at && activity.completed_at);
      assert.ok(account.contact('states@example.com'));
      cc.assertConformant();
    } finally {
      await cc.close();
    }
  });
});

describe('CC emulator: activities that fail, stall or are refused', () => {
  let cc: CcTestEmulator;
  let token: string;
  let otherToken: string;
  let listId: string;
  let otherListId: string;
  let dice = 0.99;

  before(async () => {
    cc = await startCcEmulatorForTest({
      clients: [{ clientId, clientSecret: 's', redirectUris: ['http://127.0.0.1/cb'] }],
      accounts: [
        {
          accountId: 'acct-ends',
          username: 'e@example.com',
          password: 'pw',
          organizationName: 'E',
          lists: ['L'],
        },
        {
          accountId: 'acct-other',
          username: 'o@example.com',
          password: 'pw',
          organizationName: 'O',
          lists: ['L'],
        },
      ],
      ratePerSecond: 100_000,
      activityStepMs: 20,
      random: () => dice,
    });
    token = cc.grantTokens({ accountId: 'acct-ends', clientId }).access_token;
    otherToken = cc.grantTokens({ accountId: 'acct-other', clientId }).access_token;
    listId = cc.accounts.get('acct-ends').findListByName('L')!.list_id;
    otherListId = cc.accounts.get('acct-other').findListByName('L')!.list_id;
  });
  after(async () => {
    cc.assertConformant();
    await cc.close();
  });

  const importOne = (email: string, as = token) =>
    callCc(cc, as, 'POST', '/v3/activities/contacts_json_import', {
      import_data: [{ email }],
      list_ids: [as === token ? listId : otherListId],
    });

  it('ends the next activities failed, cancelled and timed out as told, applying none of their work', async () => {
    cc.knobs.activityOutcomes.push('failed', 'cancelled', 'timed_out');
    const ends: Array<{ states: string[]; activity: CcJson }> = [];
    for (const email of ['f@example.com', 'c@example.com', 't@example.com']) {
      const created = await importOne(email);
      assert.equal(created.status, 201);
      ends.push(await waitForActivityEnd(cc, token, created.body.activity_id));
    }
    assert.deepEqual(
      ends.map((e) => e.activity.state),
      ['failed', 'cancelled', 'timed_out'],
    );
    assert.deepEqual(ends[0]!.states.slice(-2), ['processing', 'failed']);
    assert.ok(!ends[1]!.states.includes('processing'), 'a cancelled activity never starts');
    for (const { activity } of ends) {
      assert.equal(activity.activity_errors.length, 1);
      assert.equal(activity.completed_at, undefined);
    }
    const account = cc.accounts.get('acct-ends');
    for (const email of ['f@example.com', 'c@example.com', 't@example.com'])
      assert.equal(account.contact(email), undefined);
    assert.deepEqual(cc.knobs.activityOutcomes, [], 'each forced end is used once');
    const next = await importOne('n@example.com');
    assert.equal((await waitForActivityEnd(cc, token, next.body.activity_id)).activity.state, 'completed');
    assert.ok(account.contact('n@example.com'));
  });

  it('ends a share of activities as the failure knob says', async () => {
    cc.knobs.activityFailureRate = 0.5;
    cc.knobs.activityFailureEnd = 'timed_out';
    try {
      dice = 0.4;
      const unlucky = await importOne('unlucky@example.com');
      assert.equal(
        (await waitForActivityEnd(cc, token, unlucky.body.activity_id)).activity.state,
        'timed_out',
      );
      dice = 0.6;
      const lucky = await importOne('lucky@example.com');
      assert.equal((await waitForActivityEnd(cc, token, lucky.body.activity_id)).activity.state, 'completed');
    } finally {
      cc.knobs.activityFailureRate = 0;
      dice = 0.99;
    }
  });

  it('keeps a stalled activity processing, then completes it and applies its work', async () => {
    cc.knobs.activityStallMs = 400;
    cc.knobs.activityOutcomes.push('stalled');
    const created = await importOne('late@example.com');
    await new Promise((r) => setTimeout(r, 200));
    const midway = await callCc(cc, token, 'GET', `/v3/activities/${created.body.activity_id}`);
    assert.equal(midway.body.state, 'processing');
    assert.equal(cc.accounts.get('acct-ends').contact('late@example.com'), undefined);
    const { activity } = await waitForActivityEnd(cc, token, created.body.activity_id);
    assert.equal(activity.state, 'completed');
    assert.ok(cc.accounts.get('acct-ends').contact('late@example.com'));
  });

  it('answers 429 past the queued-activity limit of the account, and accepts again once one finishes', async () => {
    cc.knobs.activityQueueLimit = 2;
    cc.knobs.activityStallMs = 300;
    cc.knobs.activityOutcomes.push('stalled', 'stalled');
    try {
      const first = await importOne('q1@example.com');
      const second = await importOne('q2@example.com');
      assert.deepEqual([first.status, second.status], [201, 201]);
      const refused = await importOne('q3@example.com');
      assert.equal(refused.status, 429);
      assert.equal(refused.headers.get('retry-after'), null);
      assert.equal(typeof refused.body.error_key, 'string');
      assert.match(refused.body.error_message, /queued activities/);
      const membership = await callCc(cc, token, 'POST', '/v3/activities/add_list_memberships', {
        source: { all_active_contacts: true },
        list_ids: [listId],
      });
      assert.equal(membership.status, 429, 'every kind of activity counts against the queue');
      assert.equal(
        (await importOne('elsewhere@example.com', otherToken)).status,
        201,
        'the limit is per account',
      );
      await waitForActivityEnd(cc, token, first.body.activity_id);
      assert.equal((await importOne('q3@example.com')).status, 201);
    } finally {
      cc.knobs.activityQueueLimit = 1000;
    }
  });
});
