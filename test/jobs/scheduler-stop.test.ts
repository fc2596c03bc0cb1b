import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createInProcessScheduler } from '../../src/jobs/in-process-scheduler.ts';
import { SchedulerStoppedError } from '../../src/jobs/sync-scheduler.ts';
import { TEST_DATABASES } from '../helpers/databases.ts';
import { type SyncHarness, startSyncHarness } from '../helpers/sync-harness.ts';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Each call to the slowed system takes this long: far longer than a stop may wait. */
const SLOW_MS = 2_000;

for (const kind of TEST_DATABASES) {
  describe(`stopping the in-process scheduler (${kind})`, () => {
    let h: SyncHarness;
    before(async () => {
      h = await startSyncHarness({ kind });
      h.app.create('people', {
        first_name: 'Stop',
        last_name: 'Here',
        email: { address: 'stop.here@example.com' },
        is_customer: true,
      });
    });
    after(async () => {
      h.cc.knobs.latencyMs = 0;
      h.platform.knobs.latencyMs = 0;
      await h.close();
    });

    const runs = () => h.repos.syncRuns.listRecent(h.organization.id, 100);

    /** Starts a run and resolves once it has been inside its first call to the slowed system a while. */
    async function startRunAndWaitInsideACall(scheduler: ReturnType<typeof createInProcessScheduler>) {
      scheduler.request(h.organization.id, 'manual');
      const deadline = Date.now() + 5_000;
      while (!(await h.repos.syncRuns.findRunning(h.organization.id))) {
        assert.ok(Date.now() < deadline, 'the run started');
        await pause(10);
      }
      await pause(300);
    }

    async function assertStoppedCleanly(scheduler: ReturnType<typeof createInProcessScheduler>) {
      const before = (await runs()).length;
      const startedAt = Date.now();
      await scheduler.stop();
      const took = Date.now() - startedAt;
      assert.ok(
        took < SLOW_MS / 2,
        `the call in flight was aborted, not waited for (the stop took ${took} ms)`,
      );

      const [last] = await runs();
      assert.equal(last?.status, 'cancelled');
      assert.deepEqual(last?.error, { code: 'RUN_CANCELLED', message: 'The connector was stopping.' });
      assert.equal(await h.repos.syncRuns.findRunning(h.organization.id), null, 'no run is left running');
      assert.equal(
        await h.repos.organizations.acquireLease(h.organization.id, 'next-process', 60_000),
        true,
        'the lease is free for the next process at once',
      );
      await h.repos.organizations.releaseLease(h.organization.id, 'next-process');

      scheduler.request(h.organization.id, 'manual');
      scheduler.notify(h.organization.id);
      await assert.rejects(scheduler.runNow(h.organization.id, 'manual'), SchedulerStoppedError);
      await pause(100);
      assert.equal((await runs()).length, before, 'no job was taken after the stop');
    }

    it('aborts a run waiting on a Constant Contact change read, records why, and frees the lease', async () => {
      h.cc.knobs.latencyMs = SLOW_MS;
      const scheduler = createInProcessScheduler(h.engine);
      await startRunAndWaitInsideACall(scheduler);
      await assertStoppedCleanly(scheduler);
      h.cc.knobs.latencyMs = 0;
    });

    it('aborts a run waiting on Connec!, records why, and frees the lease', async () => {
      h.platform.knobs.latencyMs = SLOW_MS;
      const scheduler = createInProcessScheduler(h.engine);
      await startRunAndWaitInsideACall(scheduler);
      await assertStoppedCleanly(scheduler);
      h.platform.knobs.latencyMs = 0;
    });

    it('runs again normally in the next process', async () => {
      const run = await createInProcessScheduler(h.engine).runNow(h.organization.id, 'manual');
      assert.equal(run?.status, 'succeeded');
      assert.ok(h.ccAccount.contact('stop.here@example.com'), 'the record held back by the stops is shared');
    });
  });
}
