import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { CC_IMPORT_LIMITS, splitImportRows } from '../../src/constantcontact/bulk-import.ts';
import {
  CcActivityFailedError,
  CcActivityQueueFullError,
  CcActivityTimeoutError,
} from '../../src/constantcontact/errors.ts';
import type { CcImportRow } from '../../src/constantcontact/types.ts';
import { ACCOUNT_ID, countOf, type Harness, startHarness } from './harness.ts';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

const IMPORT = 'POST /v3/activities/contacts_json_import';
const fastPolling = { pollBaseDelayMs: 10, pollMaxDelayMs: 50, deadlineMs: 60_000 };

describe('bulk activities against the emulator', () => {
  let h: Harness;
  afterEach(async () => {
    h.emulator.assertConformant();
    await h.close();
  });

  it('imports 100,000 short rows in exactly 3 requests and waits for each activity to complete', async () => {
    h = await startHarness();
    const list = await h.api.lists.create({ name: 'Customer list' });
    const rows: CcImportRow[] = Array.from({ length: 100_000 }, (_, i) => ({
      email: `c${i}@ex.com`,
      first_name: 'C',
    }));
    const completedSizes: number[] = [];
    const result = await h.api.importContacts(rows, [list.list_id], {
      ...fastPolling,
      onActivityCompleted: (_, n) => {
        completedSizes.push(n);
      },
    });
    assert.equal(countOf(h.emulator, IMPORT), 3);
    assert.deepEqual(completedSizes, [40_000, 40_000, 20_000]);
    assert.equal(result.rowsSent, 100_000);
    assert.equal(result.errorCount, 0);
    assert.ok(result.activities.every((a) => a.state === 'completed'));
    const first = await h.api.contacts.pages({ limit: 1, includeCount: true, lists: [list.list_id] }).next();
    assert.equal(first.done, false);
    assert.equal(first.value?.contacts_count, 100_000);
  });

  it('splits large rows by the 4 MB body limit', async () => {
    h = await startHarness();
    const list = await h.api.lists.create({ name: 'Lead list' });
    // CC joins street and street2 into one 255-character street, so each half stays under 127.
    const rows: CcImportRow[] = Array.from({ length: 8000 }, (_, i) => ({
      email: `l${i}@ex.com`,
      street: 's'.repeat(120),
      street2: 't'.repeat(120),
      work_street: 'w'.repeat(120),
      work_street2: 'v'.repeat(120),
      city: 'Zürich'.padEnd(50, 'é'),
      first_name: 'F'.repeat(50),
      last_name: 'L'.repeat(50),
    }));
    const expected = splitImportRows(rows, [list.list_id]);
    const total = Buffer.byteLength(JSON.stringify({ import_data: rows, list_ids: [list.list_id] }));
    assert.ok(expected.length >= 2, `the rows take ${total} bytes, more than one request`);
    // Greedy packing loses at most one row's worth per body.
    assert.ok(expected.length <= Math.ceil(total / (CC_IMPORT_LIMITS.maxBodyBytes - 2000)));
    const result = await h.api.importContacts(rows, [list.list_id], fastPolling);
    assert.equal(countOf(h.emulator, IMPORT), expected.length);
    assert.equal(result.errorCount, 0);
    assert.equal(
      h.emulator.requestLog.count((e) => e.endpoint === IMPORT && e.status !== 201),
      0,
    );
  });

  it('reports a row with an invalid email in the activity while the others are imported', async () => {
    h = await startHarness();
    const list = await h.api.lists.create({ name: 'Supplier list' });
    const result = await h.api.importContacts(
      [{ email: 'good1@ex.com' }, { email: 'not an email' }, { email: 'good2@ex.com' }],
      [list.list_id],
      fastPolling,
    );
    assert.equal(result.errorCount, 1);
    assert.equal(result.activityErrors.length, 1);
    assert.match(result.activityErrors[0]!, /email/i);
    const emails = [];
    for await (const c of h.api.contacts.all({ lists: [list.list_id] }))
      emails.push(c.email_address?.address);
    assert.deepEqual(emails.sort(), ['good1@ex.com', 'good2@ex.com']);
  });

  it('adds and removes list memberships and deletes contacts in bulk', async () => {
    h = await startHarness({ seed: { contacts: [{ email: 'a@ex.com' }, { email: 'b@ex.com' }] } });
    const list = await h.api.lists.create({ name: 'Employee list' });
    const ids = [];
    for await (const c of h.api.contacts.all()) ids.push(c.contact_id);
    await h.api.activities.waitForCompletion(
      await h.api.activities.addListMemberships(ids, [list.list_id]),
      fastPolling,
    );
    const members = async () => (await collect(h.api.contacts.all({ lists: [list.list_id] }))).length;
    assert.equal(await members(), 2);
    await h.api.activities.waitForCompletion(
      await h.api.activities.removeListMemberships([ids[0]!], [list.list_id]),
      fastPolling,
    );
    assert.equal(await members(), 1);
    const deleted = await h.api.activities.waitForCompletion(await h.api.activities.deleteContacts(ids), {
      ...fastPolling,
    });
    assert.equal(deleted.state, 'completed');
    assert.equal((await collect(h.api.contacts.all())).length, 0);
    assert.ok(h.emulator.accounts.get(ACCOUNT_ID));
  });
});

describe('bulk activities that do not complete', () => {
  let h: Harness;
  afterEach(async () => {
    h.emulator.assertConformant();
    await h.close();
  });

  it('reports an activity CC failed, cancelled or timed out as CC_ACTIVITY_FAILED with its state', async () => {
    h = await startHarness();
    const list = await h.api.lists.create({ name: 'Customer list' });
    h.emulator.knobs.activityOutcomes.push('failed', 'cancelled', 'timed_out');
    for (const state of ['failed', 'cancelled', 'timed_out']) {
      await assert.rejects(
        h.api.importContacts([{ email: `${state}@ex.com` }], [list.list_id], fastPolling),
        (e: unknown) =>
          e instanceof CcActivityFailedError && e.state === state && e.activityErrors.length === 1,
      );
    }
    assert.equal(h.emulator.accounts.get(ACCOUNT_ID).storedContacts().length, 0);
  });

  it('gives up on an activity still processing at the deadline, without waiting for it', async () => {
    h = await startHarness();
    const list = await h.api.lists.create({ name: 'Customer list' });
    h.emulator.knobs.activityOutcomes.push('stalled');
    h.emulator.knobs.activityStallMs = 60_000;
    const started = Date.now();
    await assert.rejects(
      h.api.importContacts([{ email: 'slow@ex.com' }], [list.list_id], { ...fastPolling, deadlineMs: 150 }),
      (e: unknown) => e instanceof CcActivityTimeoutError && e.lastState === 'processing',
    );
    assert.ok(Date.now() - started < 5000);
  });

  it('tells which rows went in before a later request of the same import failed', async () => {
    h = await startHarness();
    const list = await h.api.lists.create({ name: 'Customer list' });
    h.emulator.knobs.activityOutcomes.push('completed', 'failed');
    const rows: CcImportRow[] = Array.from({ length: 5 }, (_, i) => ({ email: `p${i}@ex.com` }));
    const completed: number[] = [];
    await assert.rejects(
      h.api.importContacts(rows, [list.list_id], {
        ...fastPolling,
        limits: { maxRows: 3, maxBodyBytes: CC_IMPORT_LIMITS.maxBodyBytes },
        onActivityCompleted: (_, n) => {
          completed.push(n);
        },
      }),
      CcActivityFailedError,
    );
    assert.deepEqual(completed, [3]);
    assert.equal(h.emulator.accounts.get(ACCOUNT_ID).storedContacts().length, 3);
  });

  it('answers a full activity queue with CC_ACTIVITY_QUEUE_FULL at once, without retrying it', async () => {
    h = await startHarness();
    const list = await h.api.lists.create({ name: 'Customer list' });
    h.emulator.knobs.activityQueueLimit = 0;
    await assert.rejects(
      h.api.importContacts([{ email: 'q@ex.com' }], [list.list_id], fastPolling),
      CcActivityQueueFullError,
    );
    assert.equal(countOf(h.emulator, IMPORT), 1);
  });
});
