import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LeaseLostError } from '../../src/sync/lease-lost-error.ts';
import { runSync } from '../../src/sync/run-sync.ts';
import { type SyncHarness, startSyncHarness, syncOk } from '../helpers/sync-harness.ts';

describe('a run whose organization another process took over', () => {
  let h: SyncHarness;
  before(async () => {
    h = await startSyncHarness();
  });
  after(async () => {
    await h.close();
  });

  it('moves no cursor and leaves its run record to the new holder', async () => {
    await syncOk(h);
    const cursorsBefore = await h.repos.cursors.list(h.organization.id);
    h.app.create('people', {
      first_name: 'Late',
      last_name: 'Write',
      email: { address: 'late@example.com' },
      is_customer: true,
    });
    const run = await runSync(h.engine, h.organization.id, 'schedule', {
      fence: async () => {
        throw new LeaseLostError('another process has it');
      },
    });
    assert.equal(run.status, 'running', 'not finished by the run that lost its lease');
    assert.deepEqual(await h.repos.cursors.list(h.organization.id), cursorsBefore);
  });
});
