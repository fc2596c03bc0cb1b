import assert from 'node:assert/strict';
import { beforeEach, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AlertEmail } from '../../src/alerts/alert-emails.ts';
import { type AlertMailer, AlertSendFailedError } from '../../src/alerts/alert-mailer.ts';
import { createAlertMonitor } from '../../src/alerts/alert-monitor.ts';
import { createRepositories, type Repositories } from '../../src/db/repositories/index.ts';
import { createLogger } from '../../src/logger.ts';
import type { Organization } from '../../src/model/organization.ts';
import { describeEachDatabase, type TestDatabase } from '../helpers/databases.ts';

const HOUR = 60 * 60_000;
const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
const tokens = { accessToken: 'a', refreshToken: 'r', expiresAt: '2030-01-01T00:00:00.000Z' };

/** A mailer that keeps what it is given, taking `delayMs` per email, or failing while `down`. */
class RecordingMailer implements AlertMailer {
  readonly sent: { to: readonly string[]; email: AlertEmail }[] = [];
  down = false;
  constructor(private readonly delayMs = 0) {}
  async send(to: readonly string[], email: AlertEmail) {
    await sleep(this.delayMs);
    if (this.down) throw new AlertSendFailedError('The mail server at test did not take the alert email.');
    this.sent.push({ to, email });
    return { accepted: to.length, rejected: 0 };
  }
  close() {}
}

let counter = 0;
async function organizationWithAdmins(repos: Repositories, admins: string[] = ['ann@example.com']) {
  counter++;
  const organization = await repos.organizations.upsert({
    tenant: 'acme',
    groupUid: `cld-alert-${counter}`,
    name: `Shop ${counter}`,
  });
  const linked = await repos.organizations.link(
    organization.id,
    { id: `acct-alert-${counter}`, name: `Account ${counter}` },
    tokens,
  );
  for (const [i, email] of admins.entries()) {
    const user = await repos.users.upsert({ tenant: 'acme', uid: `usr-${counter}-${i}`, email });
    await repos.users.setMembership(user.id, organization.id, i % 2 === 0 ? 'Admin' : 'Super Admin');
  }
  return linked;
}

async function failedRun(
  repos: Repositories,
  organization: Organization,
  message = 'Connec! did not answer.',
) {
  const run = await repos.syncRuns.start(organization.id, 'schedule');
  return repos.syncRuns.finish(run.id, {
    status: 'failed',
    counts: run.counts,
    error: { code: 'CONNEC_UNAVAILABLE', message },
  });
}

async function endedRun(repos: Repositories, organization: Organization, status: 'succeeded' | 'cancelled') {
  const run = await repos.syncRuns.start(organization.id, 'schedule');
  return repos.syncRuns.finish(run.id, { status, counts: run.counts });
}

describeEachDatabase('alert storage', (db) => {
  let d: TestDatabase;
  beforeEach(() => {
    d = db();
  });

  it('lets one holder at a time claim an alert, and another once the claim ran out', async () => {
    const { repos, clock } = d;
    const organization = await organizationWithAdmins(repos);
    await repos.alerts.ensure(organization.id, 'needs_reconnect');
    await repos.alerts.ensure(organization.id, 'needs_reconnect');
    const claims = await Promise.all(
      ['a', 'b', 'c'].map((holder) => repos.alerts.claim(organization.id, 'needs_reconnect', holder, 60_000)),
    );
    assert.equal(claims.filter(Boolean).length, 1, 'one claim wins');
    const winner = ['a', 'b', 'c'][claims.indexOf(true)]!;
    const loser = winner === 'a' ? 'b' : 'a';
    const next = {
      status: 'trouble' as const,
      troubleSince: clock.now().toISOString(),
      troubleSentAt: null,
      troubleRecipients: 0,
      recoverySentAt: null,
    };
    assert.equal(await repos.alerts.save(organization.id, 'needs_reconnect', loser, next), false);
    assert.equal(await repos.alerts.save(organization.id, 'needs_reconnect', winner, next), true);
    assert.equal((await repos.alerts.find(organization.id, 'needs_reconnect'))?.status, 'trouble');

    clock.advance(61_000);
    assert.equal(await repos.alerts.claim(organization.id, 'needs_reconnect', loser, 60_000), true);
    assert.equal(
      await repos.alerts.save(organization.id, 'needs_reconnect', winner, next),
      false,
      'a holder whose claim was taken over writes nothing',
    );
    await repos.alerts.release(organization.id, 'needs_reconnect', loser);
    assert.equal(await repos.alerts.claim(organization.id, 'needs_reconnect', winner, 60_000), true);
    await repos.alerts.release(organization.id, 'needs_reconnect', winner);
    assert.equal(await repos.alerts.find(organization.id, 'runs_failing'), null);
  });

  it('reads the failed runs since the last success and the link; cancelled runs do not count', async () => {
    const { repos, clock } = d;
    const organization = await organizationWithAdmins(repos);
    assert.equal(await repos.alerts.failureStreak(organization.id, organization.linkedAt), null);
    await failedRun(repos, organization, 'before the success');
    clock.advance(HOUR);
    await endedRun(repos, organization, 'succeeded');
    assert.equal(await repos.alerts.failureStreak(organization.id, organization.linkedAt), null);
    clock.advance(HOUR);
    const first = await failedRun(repos, organization, 'first');
    clock.advance(HOUR);
    await endedRun(repos, organization, 'cancelled');
    clock.advance(HOUR);
    const last = await failedRun(repos, organization, 'last');
    assert.deepEqual(await repos.alerts.failureStreak(organization.id, organization.linkedAt), {
      since: first.finishedAt,
      lastAt: last.finishedAt,
      lastError: { code: 'CONNEC_UNAVAILABLE', message: 'last' },
    });
    assert.equal(
      await repos.alerts.failureStreak(organization.id, clock.now().toISOString()),
      null,
      'runs of an earlier link say nothing of a later one',
    );
  });

  it('finds the organizations a sweep must look at, and the admins to write to', async () => {
    const { repos, clock } = d;
    const healthy = await organizationWithAdmins(repos);
    await endedRun(repos, healthy, 'succeeded');
    const waiting = await organizationWithAdmins(repos);
    await repos.organizations.markNeedsReconnect(waiting.id, 'reconnect to share again.');
    const failing = await organizationWithAdmins(repos);
    await failedRun(repos, failing);
    const longAgo = await organizationWithAdmins(repos);
    await failedRun(repos, longAgo);
    clock.advance(25 * HOUR);
    const failedAfter = new Date(clock.now().getTime() - 24 * HOUR).toISOString();
    await failedRun(repos, failing);

    const toCheck = await repos.alerts.organizationsToCheck(failedAfter);
    assert.ok(toCheck.includes(waiting.id));
    assert.ok(toCheck.includes(failing.id));
    assert.ok(!toCheck.includes(healthy.id));
    assert.ok(!toCheck.includes(longAgo.id), 'failures older than a day with no run since are not news');

    const admins = await organizationWithAdmins(repos, [
      'ann@example.com',
      'Bob@Example.com',
      'bob@example.com',
    ]);
    const member = await repos.users.upsert({
      tenant: 'acme',
      uid: 'usr-member',
      email: 'member@example.com',
    });
    await repos.users.setMembership(member.id, admins.id, 'Member');
    await repos.users.setMembership(member.id, admins.id, 'Power User');
    assert.deepEqual(await repos.alerts.adminEmails(admins.id), ['ann@example.com', 'Bob@Example.com']);
  });

  it('sends one email when two processes check at once, and none after a restart', async () => {
    const { repos } = d;
    const organization = await organizationWithAdmins(repos, ['ann@example.com', 'zed@example.com']);
    await repos.organizations.markNeedsReconnect(organization.id, 'Constant Contact stopped accepting it.');
    const mailer = new RecordingMailer(50);
    const monitor = (r: Repositories) =>
      createAlertMonitor({
        repos: r,
        mailer,
        publicUrl: 'http://connector.test',
        logger,
        now: () => d.clock.now(),
      });
    // Two processes: their own repositories and memory, one database.
    const other = createRepositories(d.store.db, d.cipher, () => d.clock.now());
    const [first, second] = [monitor(repos), monitor(other)];
    // Sweeps also look at the organizations of earlier tests: only this one's emails count.
    const sent = () => mailer.sent.filter((m) => m.email.text.includes(`group_id=${organization.groupUid}&`));
    await Promise.all([
      first.check(organization.id),
      second.check(organization.id),
      first.sweep(),
      second.sweep(),
    ]);
    assert.equal(sent().length, 1, 'one trouble email');
    assert.deepEqual(sent()[0]?.to, ['ann@example.com', 'zed@example.com']);
    const stored = await repos.alerts.find(organization.id, 'needs_reconnect');
    assert.equal(stored?.status, 'trouble');
    assert.equal(stored?.troubleRecipients, 2);

    const restarted = monitor(createRepositories(d.store.db, d.cipher, () => d.clock.now()));
    await restarted.sweep();
    await restarted.check(organization.id);
    assert.equal(sent().length, 1, 'a restart sends nothing again');

    await repos.organizations.renewAuthorization(organization.id, organization.ccAccount!.id, tokens);
    await Promise.all([first.check(organization.id), second.check(organization.id), restarted.sweep()]);
    assert.equal(sent().length, 2, 'one recovery email');
    assert.match(sent()[1]!.email.subject, /connected again/);
    await Promise.all([first.sweep(), second.sweep()]);
    assert.equal(sent().length, 2);
  });

  it('keeps an email that could not go, and sends it at the next check', async () => {
    const { repos } = d;
    const organization = await organizationWithAdmins(repos);
    await repos.organizations.markNeedsReconnect(organization.id, 'Constant Contact stopped accepting it.');
    const mailer = new RecordingMailer();
    const alerts = createAlertMonitor({
      repos,
      mailer,
      publicUrl: 'http://connector.test',
      logger,
      now: () => d.clock.now(),
    });
    mailer.down = true;
    await alerts.check(organization.id);
    await alerts.sweep();
    assert.equal(mailer.sent.length, 0);
    const owed = await repos.alerts.find(organization.id, 'needs_reconnect');
    assert.equal(owed?.status, 'trouble');
    assert.equal(owed?.troubleSentAt, null);
    assert.match(owed?.lastSendError ?? '', /did not take the alert email/);

    mailer.down = false;
    await alerts.sweep();
    assert.equal(mailer.sent.length, 1);
    const sent = await repos.alerts.find(organization.id, 'needs_reconnect');
    assert.ok(sent?.troubleSentAt);
    assert.equal(sent?.lastSendError, null);
  });

  it('tells no one, and fails nothing, when the organization has no admin with an email', async () => {
    const { repos } = d;
    const organization = await organizationWithAdmins(repos, []);
    const member = await repos.users.upsert({
      tenant: 'acme',
      uid: 'usr-only-member',
      email: 'm@example.com',
    });
    await repos.users.setMembership(member.id, organization.id, 'Member');
    await repos.organizations.markNeedsReconnect(organization.id, 'Constant Contact stopped accepting it.');
    const mailer = new RecordingMailer();
    const alerts = createAlertMonitor({
      repos,
      mailer,
      publicUrl: 'http://connector.test',
      logger,
      now: () => d.clock.now(),
    });
    await alerts.check(organization.id);
    assert.equal(mailer.sent.length, 0);
    const stored = await repos.alerts.find(organization.id, 'needs_reconnect');
    assert.ok(stored?.troubleSentAt, 'the episode is not retried forever');
    assert.equal(stored?.troubleRecipients, 0);
    await repos.organizations.renewAuthorization(organization.id, organization.ccAccount!.id, tokens);
    await alerts.check(organization.id);
    assert.equal(mailer.sent.length, 0, 'no recovery email for trouble no one was told of');
  });
});
