import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import type { LoggedRequest } from '../../sandbox/shared/test-knobs.ts';
import { findOwnId } from '../../src/connec/ids.ts';
import { createInProcessScheduler, type InProcessScheduler } from '../../src/jobs/in-process-scheduler.ts';
import { createLogger } from '../../src/logger.ts';
import type { SyncRun } from '../../src/model/sync-run.ts';
import { connecNotificationsRoutes } from '../../src/web/routes/connec-notifications.ts';
import { notificationHandler } from '../../src/web/routes/platform-notifications.ts';
import { TEST_DATABASES } from '../helpers/databases.ts';
import { CC_ACCOUNT_ID, type SyncHarness, startSyncHarness } from '../helpers/sync-harness.ts';

const isWrite = (e: LoggedRequest) => e.method !== 'GET';
const during = (run: SyncRun) => (e: LoggedRequest) =>
  e.at >= run.startedAt && (run.finishedAt === null || e.at <= run.finishedAt);

// Whether Connec! tells a connector about the connector's own writes is not known. If it does, the runs those
// notifications cause must find nothing to do: no write to Constant Contact, none to the hub, so no loop.
for (const kind of TEST_DATABASES) {
  describe(`Connec! notifying the connector of its own writes (${kind})`, () => {
    let h: SyncHarness;
    let scheduler: InProcessScheduler;
    let connector: FastifyInstance;

    before(async () => {
      h = await startSyncHarness({ kind });
      h.platform.knobs.notifyOwnWrites = true;
      scheduler = createInProcessScheduler(h.engine, { debounceMs: 30, tickMs: 60 * 60_000 });
      connector = Fastify();
      await connector.register(connecNotificationsRoutes, {
        tenants: h.platform.tenants(),
        onNotification: notificationHandler({
          repos: h.repos,
          scheduler,
          logger: createLogger('silent'),
        }),
      });
      h.platform.connectorUrl = await connector.listen({ port: 0, host: '127.0.0.1' });
    });
    after(async () => {
      await scheduler.stop();
      await connector.close();
      h.cc.assertConformant();
      await h.close();
    });

    const runs = async () => (await h.repos.syncRuns.listRecent(h.organization.id, 100)).reverse();

    /** Lets notifications and the runs they cause go on until a round brings neither; fails if it never ends. */
    async function settle(maxRounds = 8): Promise<number> {
      let deliveries = -1;
      let runCount = -1;
      for (let round = 1; round <= maxRounds; round++) {
        await h.platform.settleDeliveries();
        await scheduler.idle();
        // A run's own writes reach the notifier's buffer after it ends; give them time to be buffered.
        await new Promise((r) => setTimeout(r, 40));
        const now = { deliveries: h.platform.deliveries.length, runs: (await runs()).length };
        if (now.deliveries === deliveries && now.runs === runCount) return round;
        deliveries = now.deliveries;
        runCount = now.runs;
      }
      assert.fail(`runs and notifications still going after ${maxRounds} rounds: a loop`);
    }

    it('runs caused by its own writes write nothing to Constant Contact or the hub, and runs settle', async () => {
      for (let i = 0; i < 3; i++) {
        h.app.create('people', {
          first_name: `Echo${i}`,
          last_name: 'Hub',
          email: { address: `echo${i}@example.com` },
          is_customer: true,
        });
      }
      const walkIn = h.ccAccount.createContactAsUser({
        email: 'echo.walkin@example.com',
        first_name: 'Walk',
        last_name: 'In',
      });
      await h.platform.settleDeliveries();
      await settle();

      // The changes were shared both ways.
      for (let i = 0; i < 3; i++) assert.ok(h.ccAccount.contact(`echo${i}@example.com`), `echo${i} in CC`);
      const walkInPerson = h
        .hubRecords('people')
        .find((p) => (p.email as { address?: string } | undefined)?.address === 'echo.walkin@example.com');
      assert.equal(findOwnId(walkInPerson?.id as never, CC_ACCOUNT_ID), walkIn.contact_id);

      // Connec! did notify the connector of what the connector wrote (its id entries, the new person).
      const ownWrites = (d: (typeof h.platform.deliveries)[number]) =>
        ((d.body as { people?: { id: { provider: string }[] }[] }).people ?? []).filter((p) =>
          p.id.some((e) => e.provider === 'constantcontact'),
        );
      const ownWriteDeliveries = h.platform.deliveries.filter(
        (d) => d.kind === 'notification' && ownWrites(d).length > 0,
      );
      const notified = ownWriteDeliveries.flatMap(ownWrites);
      assert.ok(notified.length >= 4, `own writes notified (${notified.length})`);

      const all = await runs();
      assert.ok(
        all.every((r) => r.status === 'succeeded'),
        JSON.stringify(all.map((r) => r.error)),
      );
      const writers = all.filter((r) => h.cc.requestLog.count((e) => isWrite(e) && during(r)(e)) > 0);
      assert.equal(writers.length, 1, 'one run wrote to CC');
      const later = all.slice(all.indexOf(writers[0]!) + 1);
      assert.ok(later.length >= 1, 'the own-write notifications caused a run');
      // Each notification reaching the connector once the writing run began causes at most one run (how many
      // the hub sends depends on timing: on a loaded machine one of the app's own may still be among them).
      const writerStart = writers[0]!.startedAt;
      const arrivedSince = h.platform.deliveries.filter(
        (d) => d.kind === 'notification' && (d.attempts.at(-1)?.at ?? '') >= writerStart,
      );
      assert.ok(
        later.length <= arrivedSince.length,
        `at most one run per notification that arrived after the writing run began (${later.length} runs, ${arrivedSince.length} notifications)`,
      );
      for (const run of later) {
        assert.equal(run.trigger, 'notification');
        assert.equal(
          h.cc.requestLog.count((e) => isWrite(e) && during(run)(e)),
          0,
          'no CC write',
        );
        const hubWrites = h.platform.requestLog.count(
          (e) =>
            isWrite(e) && e.endpoint !== 'POST /maestrano/connec/notifications/:tenant' && during(run)(e),
        );
        assert.equal(hubWrites, 0, 'no hub write, so no further notification');
      }

      // Quiet stays quiet.
      const settledAt = all.length;
      await new Promise((r) => setTimeout(r, 150));
      await settle();
      assert.equal((await runs()).length, settledAt);
    });
  });
}
