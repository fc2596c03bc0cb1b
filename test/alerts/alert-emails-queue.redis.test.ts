import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { smtpMailer } from '../../src/alerts/alert-mailer.ts';
import { createAlertMonitor } from '../../src/alerts/alert-monitor.ts';
import { createQueueScheduler } from '../../src/jobs/queue-scheduler.ts';
import { createLogger } from '../../src/logger.ts';
import { TEST_TENANT } from '../helpers/platform-emulator.ts';
import { testRedis } from '../helpers/redis.ts';
import { startSmtpInbox } from '../helpers/smtp-inbox.ts';
import { startSyncHarness } from '../helpers/sync-harness.ts';

const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
const fast = { debounceMs: 100, debounceMaxMs: 400, busyRetryMs: 100, retryBaseMs: 100, planEveryMs: 60_000 };

describe('alert emails in scale-out mode', () => {
  it('checks the alerts after a run a worker took off the queue', async () => {
    const inbox = await startSmtpInbox();
    const redis = await testRedis();
    const h = await startSyncHarness();
    const alerts = createAlertMonitor({
      repos: h.repos,
      mailer: smtpMailer({ smtpUrl: inbox.url, from: { name: null, address: 'alerts@connector.test' } }),
      publicUrl: 'http://connector.test',
      logger,
      now: () => new Date(),
    });
    const runEnded = (run: { organizationId: string }) => alerts.notice(run.organizationId);
    const worker = createQueueScheduler({
      redis,
      repos: h.repos,
      logger,
      engine: h.engine,
      options: fast,
      runEnded,
    });
    const web = createQueueScheduler({ redis, repos: h.repos, logger, options: fast });
    try {
      const admin = await h.repos.users.upsert({
        tenant: TEST_TENANT.id,
        uid: 'usr-admin',
        email: 'admin@alpha.example',
      });
      await h.repos.users.setMembership(admin.id, h.organization.id, 'Super Admin');
      await h.repos.organizations.saveTokens(h.organization.id, {
        accessToken: 'superseded',
        refreshToken: 'superseded',
        expiresAt: new Date(Date.now() - 1000).toISOString(),
      });
      worker.start();
      web.request(h.organization.id, 'manual');
      await sleep(50);
      await web.idle();
      await alerts.idle();
      const [email] = await inbox.waitFor(1);
      assert.deepEqual(email?.to, ['admin@alpha.example']);
      assert.equal(email?.subject, 'Action needed: reconnect Constant Contact for Alpha Bikes');
      const [run] = await h.repos.syncRuns.listRecent(h.organization.id, 1);
      assert.equal(run?.error?.code, 'CC_NEEDS_RECONNECT');
    } finally {
      await worker.close();
      await web.close();
      await alerts.stop();
      await redis.close();
      await h.close();
      await inbox.close();
    }
  });
});
