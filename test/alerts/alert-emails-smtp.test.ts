import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { defaultCcClient } from '../../sandbox/constantcontact/index.ts';
import { ManualClock } from '../../sandbox/shared/clock.ts';
import { organizationPageUrl } from '../../src/alerts/alert-emails.ts';
import { smtpMailer } from '../../src/alerts/alert-mailer.ts';
import { type AlertMonitor, alertsFromConfig, createAlertMonitor } from '../../src/alerts/alert-monitor.ts';
import { loadConfig } from '../../src/config/config.ts';
import { createConnector } from '../../src/connector.ts';
import { createRepositories, type Repositories } from '../../src/db/repositories/index.ts';
import { createInProcessScheduler } from '../../src/jobs/in-process-scheduler.ts';
import {
  disconnect,
  lifecycleDeps,
  linkAccount,
  moveAccount,
} from '../../src/lifecycle/organization-lifecycle.ts';
import { createLogger } from '../../src/logger.ts';
import { linkedElsewhereReason } from '../../src/model/reconnect-reasons.ts';
import { zonedMinute } from '../../src/time-text.ts';
import { TEST_DATABASES } from '../helpers/databases.ts';
import { GROUP_B, TEST_TENANT } from '../helpers/platform-emulator.ts';
import { startSmtpInbox } from '../helpers/smtp-inbox.ts';
import { CC_ACCOUNT_ID, type SyncHarness, startSyncHarness } from '../helpers/sync-harness.ts';

const HOUR = 60 * 60_000;
const PUBLIC_URL = 'http://connector.test';
const FROM = { name: 'Constant Contact connector', address: 'alerts@connector.test' };
const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');

/** An admin and a plain member of the harness's organization: only the admin is written to. */
async function addMembers(repos: Repositories, organizationId: string): Promise<void> {
  const admin = await repos.users.upsert({
    tenant: TEST_TENANT.id,
    uid: 'usr-ann',
    email: 'ann@alpha.example',
  });
  await repos.users.setMembership(admin.id, organizationId, 'Admin');
  const member = await repos.users.upsert({
    tenant: TEST_TENANT.id,
    uid: 'usr-bob',
    email: 'bob@alpha.example',
  });
  await repos.users.setMembership(member.id, organizationId, 'Member');
}

/** Makes Constant Contact refuse the organization's authorization, as a new grant elsewhere does. */
async function authorizationRefused(h: SyncHarness): Promise<void> {
  await h.repos.organizations.saveTokens(h.organization.id, {
    accessToken: 'superseded',
    refreshToken: 'superseded',
    expiresAt: new Date(Date.now() - 1000).toISOString(),
  });
}

/** Fresh tokens for the harness's account, as linking it again in the browser gives. */
function freshTokens(h: SyncHarness) {
  const granted = h.cc.grantTokens({ accountId: CC_ACCOUNT_ID, clientId: defaultCcClient.clientId });
  return {
    accessToken: granted.access_token,
    refreshToken: granted.refresh_token,
    expiresAt: new Date(Date.now() + granted.expires_in * 1000).toISOString(),
  };
}

function monitorFor(repos: Repositories, smtpUrl: string, now: () => Date = () => new Date()): AlertMonitor {
  return createAlertMonitor({
    repos,
    mailer: smtpMailer({ smtpUrl, from: FROM }),
    publicUrl: PUBLIC_URL,
    logger,
    now,
  });
}

for (const kind of TEST_DATABASES) {
  describe(`alert emails over SMTP [${kind}]`, () => {
    it('emails the admins once when the organization needs a reconnect, and once when it is reconnected', async () => {
      const inbox = await startSmtpInbox();
      const h = await startSyncHarness({ kind });
      try {
        await addMembers(h.repos, h.organization.id);
        const alerts = monitorFor(h.repos, inbox.url);
        const scheduler = createInProcessScheduler(h.engine, {
          runEnded: (run) => alerts.notice(run.organizationId),
        });
        await authorizationRefused(h);
        const refused = await scheduler.runNow(h.organization.id, 'manual');
        assert.equal(refused?.error?.code, 'CC_NEEDS_RECONNECT');
        await alerts.idle();
        const [email] = await inbox.waitFor(1);
        assert.deepEqual(email?.to, ['ann@alpha.example'], 'the admin, not the member');
        assert.equal(email?.from, FROM.address);
        assert.equal(email?.subject, 'Action needed: reconnect Constant Contact for Alpha Bikes');
        const reason = (await h.repos.organizations.get(h.organization.id)).needsReconnect?.reason ?? '';
        assert.match(reason, /reconnect to share again/);
        assert.ok(email?.text.includes(reason), 'the reason the page shows');
        const link = organizationPageUrl(PUBLIC_URL, h.organization);
        assert.ok(email?.text.includes(`\n${link}\n`), 'the way to the connector page, signing in first');
        assert.ok(email?.html.includes(`href="${link.replaceAll('&', '&amp;')}"`));

        // More runs, checks and sweeps, and a restart (a new process on the same database): nothing more.
        await scheduler.runNow(h.organization.id, 'manual');
        await alerts.sweep();
        const restarted = monitorFor(createRepositories(h.db.store.db, h.db.cipher), inbox.url);
        await restarted.sweep();
        await restarted.check(h.organization.id);
        await alerts.idle();
        assert.equal(inbox.received.length, 1);

        // A user reconnects (what the OAuth callback does): one recovery email, and the runs share again.
        const organization = await h.repos.organizations.get(h.organization.id);
        const deps = lifecycleDeps({ repos: h.repos, scheduler: null, logger, cc: null, alerts: restarted });
        const account = { id: CC_ACCOUNT_ID, name: 'Alpha Bikes' };
        assert.equal(await linkAccount(deps, organization, account, freshTokens(h), 'usr-ann'), 'linked');
        await restarted.idle();
        const [, recovered] = await inbox.waitFor(2);
        assert.equal(recovered?.subject, 'Constant Contact is connected again for Alpha Bikes');
        assert.deepEqual(recovered?.to, ['ann@alpha.example']);
        assert.equal((await scheduler.runNow(h.organization.id, 'manual'))?.status, 'succeeded');
        await alerts.sweep();
        await restarted.sweep();
        await alerts.idle();
        assert.equal(inbox.received.length, 2);
        await scheduler.stop();
        await alerts.stop();
        await restarted.stop();
      } finally {
        await h.close();
        await inbox.close();
      }
    });

    it('emails the admins of an organization whose account another organization took, and not on disconnect', async () => {
      const inbox = await startSmtpInbox();
      const h = await startSyncHarness({ kind });
      try {
        await addMembers(h.repos, h.organization.id);
        const alerts = monitorFor(h.repos, inbox.url);
        const deps = lifecycleDeps({ repos: h.repos, scheduler: null, logger, cc: null, alerts });
        const other = await h.repos.organizations.upsert({
          tenant: TEST_TENANT.id,
          groupUid: GROUP_B,
          name: 'Beta',
        });
        const account = { id: CC_ACCOUNT_ID, name: 'Alpha Bikes' };
        const reason = linkedElsewhereReason({
          accountName: account.name,
          organizationName: 'Beta',
          at: new Date(),
        });
        const from = await h.repos.organizations.get(h.organization.id);
        const moved = await moveAccount(
          deps,
          { from, to: other, account, tokens: freshTokens(h), reason },
          'usr-x',
        );
        assert.equal(moved, 'linked');
        await alerts.idle();
        const [email] = await inbox.waitFor(1);
        assert.deepEqual(email?.to, ['ann@alpha.example']);
        assert.ok(email?.text.includes(reason));

        // The admins give up on it: no "connected again" email follows.
        await disconnect(deps, await h.repos.organizations.get(h.organization.id), 'usr-ann');
        await alerts.idle();
        await alerts.sweep();
        assert.equal(inbox.received.length, 1);
        assert.equal((await h.repos.alerts.find(h.organization.id, 'needs_reconnect'))?.status, 'ok');
        await alerts.stop();
      } finally {
        await h.close();
        await inbox.close();
      }
    });

    it('emails once when runs have failed for 24 hours, and once when a run succeeds', async () => {
      const inbox = await startSmtpInbox();
      const clock = new ManualClock(new Date());
      const h = await startSyncHarness({ kind, clock });
      try {
        // The runs, leases and alerts on the test's clock, as the connector wires one clock through.
        const repos = createRepositories(h.db.store.db, h.db.cipher, () => clock.now());
        const engine = { ...h.engine, repos };
        await addMembers(repos, h.organization.id);
        const alerts = monitorFor(repos, inbox.url, () => clock.now());
        const scheduler = createInProcessScheduler(engine, {
          runEnded: (run) => alerts.notice(run.organizationId),
        });
        const run = async (status: string) => {
          const ended = await scheduler.runNow(h.organization.id, 'manual');
          assert.equal(ended?.status, status, JSON.stringify(ended?.error));
          await alerts.idle();
        };
        await run('succeeded');

        h.cc.knobs.errorRate = 1;
        clock.advance(HOUR);
        await run('failed');
        clock.advance(12 * HOUR);
        await run('failed');
        await alerts.sweep();
        assert.equal(inbox.received.length, 0, 'failing for 12 hours: not yet');

        // A day after the first failure, with no run ending then: the sweep finds it.
        clock.advance(12 * HOUR);
        await alerts.sweep();
        const [email] = await inbox.waitFor(1);
        const firstFailure = new Date(clock.now().getTime() - 24 * HOUR).toISOString();
        // Dated in the CC account's time zone, which the first run read.
        const { timeZone } = await h.repos.organizations.get(h.organization.id);
        assert.equal(timeZone, 'America/New_York');
        const since = zonedMinute(firstFailure, timeZone);
        assert.equal(email?.subject, `Constant Contact sync failing for Alpha Bikes since ${since}`);
        assert.match(email?.text ?? '', /Last error \(.*\): .*\[CC_UNAVAILABLE\]/);
        assert.deepEqual(email?.to, ['ann@alpha.example']);

        clock.advance(HOUR);
        await run('failed');
        await alerts.sweep();
        assert.equal(inbox.received.length, 1, 'still failing: no second email');

        h.cc.knobs.errorRate = 0;
        clock.advance(HOUR);
        await run('succeeded');
        const [, recovered] = await inbox.waitFor(2);
        assert.equal(recovered?.subject, 'Constant Contact sync works again for Alpha Bikes');

        const restarted = monitorFor(
          createRepositories(h.db.store.db, h.db.cipher, () => clock.now()),
          inbox.url,
          () => clock.now(),
        );
        await restarted.sweep();
        clock.advance(48 * HOUR);
        await restarted.sweep();
        assert.equal(inbox.received.length, 2);
        await scheduler.stop();
        await alerts.stop();
        await restarted.stop();
      } finally {
        await h.close();
        await inbox.close();
      }
    });

    it('loses nothing while the mail server is down: the email goes at the next check', async () => {
      const down = await startSmtpInbox();
      const { port, url } = down;
      await down.close();
      const h = await startSyncHarness({ kind });
      let inbox: Awaited<ReturnType<typeof startSmtpInbox>> | undefined;
      try {
        await addMembers(h.repos, h.organization.id);
        const alerts = monitorFor(h.repos, url);
        const scheduler = createInProcessScheduler(h.engine, {
          runEnded: (run) => alerts.notice(run.organizationId),
        });
        await authorizationRefused(h);
        const refused = await scheduler.runNow(h.organization.id, 'manual');
        assert.equal(refused?.status, 'failed', 'the run ends as it would without alerts');
        assert.equal(refused?.error?.code, 'CC_NEEDS_RECONNECT');
        await alerts.idle();
        const owed = await h.repos.alerts.find(h.organization.id, 'needs_reconnect');
        assert.equal(owed?.status, 'trouble');
        assert.equal(owed?.troubleSentAt, null);
        assert.match(
          owed?.lastSendError ?? '',
          /^The mail server at 127\.0\.0\.1:\d+ did not take the alert email/,
        );
        assert.ok(!owed?.lastSendError?.includes('secret'), 'no password in what is kept');

        inbox = await startSmtpInbox({ port });
        await alerts.sweep();
        const [email] = await inbox.waitFor(1);
        assert.equal(email?.subject, 'Action needed: reconnect Constant Contact for Alpha Bikes');
        await alerts.sweep();
        assert.equal(inbox.received.length, 1);
        await scheduler.stop();
        await alerts.stop();
      } finally {
        await h.close();
        await inbox?.close();
      }
    });

    it('sends nothing and stores nothing when SMTP_URL is unset', async () => {
      const inbox = await startSmtpInbox();
      const h = await startSyncHarness({ kind });
      const dataDir = mkdtempSync(join(tmpdir(), 'alerts-off-'));
      try {
        await addMembers(h.repos, h.organization.id);
        const off = alertsFromConfig(loadConfig({ LOG_LEVEL: 'silent' }), h.repos, logger);
        assert.equal(off.enabled, false);
        const scheduler = createInProcessScheduler(h.engine, {
          runEnded: (run) => off.notice(run.organizationId),
        });
        await authorizationRefused(h);
        assert.equal(
          (await scheduler.runNow(h.organization.id, 'manual'))?.error?.code,
          'CC_NEEDS_RECONNECT',
        );
        off.start();
        await off.sweep();
        await off.idle();
        assert.equal(inbox.received.length, 0);
        assert.equal(await h.repos.alerts.find(h.organization.id, 'needs_reconnect'), null);
        await scheduler.stop();

        // The connector as `npm start` builds it: alerts on with SMTP_URL, off without.
        for (const [env, enabled] of [
          [{}, false],
          [{ SMTP_URL: inbox.url }, true],
        ] as const) {
          const connector = await createConnector(
            loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env }),
            logger,
          );
          assert.equal(connector.alerts.enabled, enabled);
          await connector.close();
        }
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
        await h.close();
        await inbox.close();
      }
    });
  });
}
