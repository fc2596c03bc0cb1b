import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { type Harness, ORG, startHarness } from './harness.ts';

const stop = new Error('the job was stopped');

describe("an organization's client bound to its job's signal", () => {
  let h: Harness;
  afterEach(async () => {
    h.emulator.knobs.latencyMs = 0;
    h.emulator.assertConformant();
    await h.close();
  });

  it('drops the call in flight when the signal aborts, and sends nothing afterwards', async () => {
    h = await startHarness();
    const job = new AbortController();
    const api = h.client.forOrganization(ORG, job.signal);
    h.emulator.knobs.latencyMs = 5_000;
    const startedAt = Date.now();
    const reading = api.contacts.pages({ limit: 50 }).next();
    setTimeout(() => job.abort(stop), 100);
    await assert.rejects(reading, (error) => error === stop);
    assert.ok(Date.now() - startedAt < 2_000, 'the change read ended at once');

    h.emulator.knobs.latencyMs = 0;
    const before = h.emulator.requestLog.count(() => true);
    await assert.rejects(api.lists.all(), (error) => error === stop);
    await assert.rejects(api.account.getSummary(), (error) => error === stop);
    assert.equal(
      h.emulator.requestLog.count(() => true),
      before,
      'no request after the stop',
    );
  });

  it('cuts short the pause between polls of a bulk activity', async () => {
    h = await startHarness({ emulator: { activityStepMs: 60_000 } });
    const job = new AbortController();
    const api = h.client.forOrganization(ORG, job.signal);
    const list = await api.lists.create({ name: 'Customer list' });
    const activity = await api.activities.addListMemberships(
      [
        (await api.contacts.create({ email_address: { address: 'a@ex.com' }, create_source: 'Account' }))
          .contact_id,
      ],
      [list.list_id],
    );
    const startedAt = Date.now();
    const waiting = api.activities.waitForCompletion(activity, {
      pollBaseDelayMs: 5_000,
      pollMaxDelayMs: 5_000,
    });
    setTimeout(() => job.abort(stop), 100);
    await assert.rejects(waiting, (error) => error === stop);
    assert.ok(Date.now() - startedAt < 2_000, 'the wait ended at once');
    const polls = h.emulator.requestLog.count((e) => e.endpoint.startsWith('GET /v3/activities/'));
    assert.equal(polls, 0, 'no poll after the stop');
  });
});
