import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { defaultCcClient } from '../../sandbox/constantcontact/index.ts';
import type { PlatformEmulator } from '../../sandbox/platform/index.ts';
import { openStore } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { createRepositories } from '../../src/db/repositories/index.ts';
import { TokenCipher } from '../../src/security/token-cipher.ts';
import { type CcTestEmulator, startCcEmulatorForTest } from '../helpers/cc-emulator.ts';
import { GROUP_A, startTestPlatform, TEST_TENANT } from '../helpers/platform-emulator.ts';
import { connecId } from '../helpers/sync-harness.ts';

/** Runs the command line in a child process; the emulators answer from this one, so never block here. */
function cli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('operator commands', () => {
  let platform: PlatformEmulator;
  let cc: CcTestEmulator;
  let env: Record<string, string>;
  let reopen: () => ReturnType<typeof openStore>;
  let cipher: TokenCipher;

  before(async () => {
    platform = await startTestPlatform();
    cc = await startCcEmulatorForTest({
      accounts: [
        {
          accountId: 'acct-cli',
          username: 'cli@example.com',
          password: 'pw',
          organizationName: 'Alpha Bikes',
        },
      ],
    });
    const dataDir = mkdtempSync(join(tmpdir(), 'cli-'));
    const key = randomBytes(32).toString('base64');
    const tenantsFile = join(dataDir, 'tenants.json');
    writeFileSync(tenantsFile, JSON.stringify([platform.tenant(TEST_TENANT.id)]));

    // An organization that launched the connector and linked its CC account.
    reopen = () => openStore({ kind: 'sqlite', file: join(dataDir, 'connector.sqlite') });
    cipher = new TokenCipher(key);
    const store = reopen();
    await migrateToLatest(store.db);
    const repos = createRepositories(store.db, cipher);
    const organization = await repos.organizations.upsert({
      tenant: TEST_TENANT.id,
      groupUid: GROUP_A,
      name: 'Alpha Bikes',
    });
    const tokens = cc.grantTokens({ accountId: 'acct-cli', clientId: defaultCcClient.clientId });
    await repos.organizations.link(
      organization.id,
      { id: 'acct-cli', name: 'Alpha Bikes' },
      {
        accessToken: tokens.access_token,
        refreshToken: tokens.refresh_token,
        expiresAt: new Date(Date.now() + tokens.expires_in * 1000).toISOString(),
      },
    );
    await store.close();
    platform.actAs('Xero', GROUP_A).create('people', {
      first_name: 'Cli',
      last_name: 'Customer',
      email: { address: 'cli.customer@example.com' },
      is_customer: true,
    });

    env = {
      DATA_DIR: dataDir,
      ENCRYPTION_KEY: key,
      TENANTS_FILE: tenantsFile,
      CC_CLIENT_ID: defaultCcClient.clientId,
      CC_CLIENT_SECRET: defaultCcClient.clientSecret,
      CC_API_BASE_URL: cc.url,
      CC_AUTH_BASE_URL: cc.url,
    };
  });

  after(async () => {
    cc.assertConformant();
    await cc.close();
    await platform.close();
  });

  it('`sync --json` runs one sync and prints it for scripts', async () => {
    const result = await cli(['sync', '--tenant', TEST_TENANT.id, '--org', GROUP_A, '--json'], env);
    assert.equal(result.code, 0, result.stderr);
    const run = JSON.parse(result.stdout);
    assert.equal(run.status, 'succeeded');
    assert.equal(run.trigger, 'manual');
    assert.equal(run.counts.cc.created, 1);
    assert.ok(cc.accounts.get('acct-cli').contact('cli.customer@example.com'), 'the customer reached CC');
  });

  it('`status` tells the link state, the last runs and what is not shared', async () => {
    const result = await cli(['status', '--tenant', TEST_TENANT.id, '--org', GROUP_A], env);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Linked to Constant Contact account "Alpha Bikes"/);
    assert.match(result.stdout, /Last runs:\n.* manual {2}succeeded/);
    assert.match(result.stdout, /Constant Contact: 1 created/);
    assert.match(result.stdout, /\nShared: 1 contact, from 1 Connec! record, and the company profile\.\n/);
    assert.match(
      result.stdout,
      /\nNot shared: \d+ excluded, 0 failing, 0 deleted in Constant Contact \(records\)\.\n/,
    );
    assert.match(result.stdout, /Not shared \(\d+\):/);
    assert.match(result.stdout, /existed before sharing started/);
  });

  it('`status` tells of a list deleted in Constant Contact that the last run re-created', async () => {
    cc.accounts.get('acct-cli').deleteListAsUser('Customer list');
    const sync = await cli(['sync', '--tenant', TEST_TENANT.id, '--org', GROUP_A], env);
    assert.equal(sync.code, 0, sync.stderr);
    const note =
      /Note: The list "Customer list" was deleted in Constant Contact: the connector re-created it and put back 1 contact\./;
    assert.match(sync.stdout, note);
    const status = await cli(['status', '--tenant', TEST_TENANT.id, '--org', GROUP_A], env);
    assert.match(status.stdout, note);
    const list = cc.accounts.get('acct-cli').findListByName('Customer list');
    assert.ok(list, 'the list exists again');
    assert.deepEqual(cc.accounts.get('acct-cli').contact('cli.customer@example.com')?.list_memberships, [
      list.list_id,
    ]);
  });

  it('`status --record` shows what was last written to each side and why a conflict went one way', async () => {
    const account = cc.accounts.get('acct-cli');
    const contact = account.contact('cli.customer@example.com')!;
    account.updateContactAsUser(contact.contact_id, { job_title: 'Buyer' });
    await new Promise((r) => setTimeout(r, 20));
    const person = platform
      .records(GROUP_A, 'people')
      .find((p) => (p.email as { address?: string }).address === 'cli.customer@example.com')!;
    platform.actAs('Xero', GROUP_A).update('people', connecId(person), { job_title: 'Head buyer' });
    const sync = await cli(['sync', '--tenant', TEST_TENANT.id, '--org', GROUP_A], env);
    assert.equal(sync.code, 0, sync.stderr);
    assert.equal(account.contact('cli.customer@example.com')?.job_title, 'Head buyer');

    const args = ['status', '--tenant', TEST_TENANT.id, '--org', GROUP_A, '--record'];
    const result = await cli([...args, 'CLI.Customer@example.com'], env);
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stdout,
      /^people \S+ <-> contact \S+ {2}cli\.customer@example\.com\n {2}State: linked/,
    );
    assert.match(result.stdout, /\n {2}Last change to Constant Contact: job_title \(\S+\)\n/);
    assert.match(
      result.stdout,
      /\n {4}job_title: Connec! "Head buyer", Constant Contact "Buyer"; kept Connec!'s\. Connec! changed it last \(Connec! \d{4}-\d\d-\d\d \d\d:\d\d UTC, Constant Contact \d{4}-\d\d-\d\d \d\d:\d\d UTC\); the newer change wins\.\n/,
    );
    const byContactId = await cli([...args, contact.contact_id], env);
    assert.equal(byContactId.stdout, result.stdout, 'the CC contact id finds the same record');
    const unknown = await cli([...args, 'nobody@example.com'], env);
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stderr, `No record of ${GROUP_A} has the email or id "nobody@example.com".\n`);
  });

  it('explains a missing option in one line', async () => {
    const result = await cli(['status', '--tenant', TEST_TENANT.id], env);
    assert.equal(result.code, 1);
    assert.equal(result.stderr, 'CLI_USAGE: --org is required.\n');
  });

  it('says so when the organization never launched the connector', async () => {
    const result = await cli(['sync', '--tenant', TEST_TENANT.id, '--org', 'cld-none'], env);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^DB_NOT_FOUND: No organization cld-none in tenant acme/);
  });

  it('`status` says when and why the organization must reconnect', async () => {
    const store = reopen();
    try {
      const repos = createRepositories(store.db, cipher);
      const organization = (await repos.organizations.findByGroup(TEST_TENANT.id, GROUP_A))!;
      await repos.organizations.markNeedsReconnect(
        organization.id,
        'Constant Contact account "Alpha Bikes" was linked to organization "Beta" on 2026-05-01 08:00 UTC; reconnect to share again.',
      );
    } finally {
      await store.close();
    }
    const text = await cli(['status', '--tenant', TEST_TENANT.id, '--org', GROUP_A], env);
    assert.equal(text.code, 0, text.stderr);
    assert.match(
      text.stdout,
      /\nNeeds reconnect since \S+: Constant Contact account "Alpha Bikes" was linked to organization "Beta" on 2026-05-01 08:00 UTC; reconnect to share again\.\n/,
    );
    const json = await cli(['status', '--tenant', TEST_TENANT.id, '--org', GROUP_A, '--json'], env);
    assert.match(JSON.parse(json.stdout).organization.needsReconnect.reason, /linked to organization "Beta"/);
  });

  it('`fleet --json` sums up every tenant for operators and scripts', async () => {
    const result = await cli(['fleet', '--json'], env);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.deepEqual(Object.keys(report).sort(), ['budget', 'generatedAt', 'overdueAfterMinutes', 'tenants']);
    assert.ok(!Number.isNaN(Date.parse(report.generatedAt)));
    assert.equal(report.overdueAfterMinutes, 1440);
    // The organization linked above, synced by the commands before, then told to reconnect.
    assert.deepEqual(report.tenants, [
      {
        tenant: TEST_TENANT.id,
        organizations: 1,
        linked: 1,
        needsReconnect: 1,
        runningNow: 0,
        overdue: 0,
        lastRuns: { succeeded: 1, failed: 0, cancelled: 0, none: 0 },
      },
    ]);
    assert.deepEqual(report.budget, { usedToday: null, limit: 10_000, shared: false });
  });

  it('`fleet` prints a table, one row per tenant, and where the budget figures are', async () => {
    const result = await cli(['fleet'], env);
    assert.equal(result.code, 0, result.stderr);
    const [header, row] = result.stdout.split('\n');
    assert.match(header!, /^tenant +organizations +linked +needs reconnect +running +overdue +last run ok/);
    assert.match(row!, new RegExp(`^${TEST_TENANT.id} +1 +1 +1 +0 +0 +1 +0 +0 +0$`));
    assert.match(result.stdout, /Constant Contact budget today: 10000 calls a day; .*\/metrics/);
  });
  it('`disconnect` does what the page does: the link and what was known of the account are gone', async () => {
    const result = await cli(['disconnect', '--tenant', TEST_TENANT.id, '--org', GROUP_A], env);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'Disconnected Alpha Bikes from Constant Contact account "Alpha Bikes".\n');
    const store = reopen();
    try {
      const repos = createRepositories(store.db, cipher);
      const organization = (await repos.organizations.findByGroup(TEST_TENANT.id, GROUP_A))!;
      assert.equal(organization.ccAccount, null);
      assert.equal(await repos.organizations.getTokens(organization.id), null, 'the tokens are erased');
      assert.equal(
        (await repos.idMaps.page(organization.id, { states: ['linked'], limit: 1, offset: 0 })).total,
        0,
      );
      const audit = await repos.auditLog.listForOrganization(organization.id, 5);
      assert.equal(audit[0]?.event, 'organization.unlinked');
      assert.equal(audit[0]?.actor, 'operator');
    } finally {
      await store.close();
    }
    const again = await cli(['disconnect', '--tenant', TEST_TENANT.id, '--org', GROUP_A], env);
    assert.equal(again.stdout, 'Alpha Bikes is not linked to Constant Contact; nothing to disconnect.\n');
  });

  it("`purge` erases an organization's personal data by hand, and only once told --yes", async () => {
    const store = reopen();
    let organizationId: string;
    try {
      const repos = createRepositories(store.db, cipher);
      const organization = (await repos.organizations.findByGroup(TEST_TENANT.id, GROUP_A))!;
      organizationId = organization.id;
      const user = await repos.users.upsert({
        tenant: TEST_TENANT.id,
        uid: 'usr-purge',
        email: 'purge@example.com',
        firstName: 'Pia',
        lastName: null,
      });
      await repos.users.setMembership(user.id, organization.id, 'Admin');
    } finally {
      await store.close();
    }

    const asked = await cli(['purge', '--tenant', TEST_TENANT.id, '--org', GROUP_A], env);
    assert.equal(asked.code, 2);
    assert.match(asked.stdout, /erases its records.*cannot be undone\. Add --yes to do it\./);

    const done = await cli(['purge', '--tenant', TEST_TENANT.id, '--org', GROUP_A, '--yes'], env);
    assert.equal(done.code, 0, done.stderr);
    assert.match(
      done.stdout,
      /^Erased Alpha Bikes: \d+ records, \d+ Constant Contact contacts, [1-9]\d* runs, 1 memberships, 1 users\. Sharing is stopped for good\.\n$/,
    );
    const after = reopen();
    try {
      const repos = createRepositories(after.db, cipher);
      assert.equal(await repos.users.find(TEST_TENANT.id, 'usr-purge'), null);
      assert.deepEqual(await repos.syncRuns.listRecent(organizationId, 5), []);
      assert.ok((await repos.organizations.get(organizationId)).deletedAt);
      const audit = await repos.auditLog.listForOrganization(organizationId, 1);
      assert.equal(audit[0]?.event, 'organization.purged');
      assert.equal(audit[0]?.actor, 'operator');
    } finally {
      await after.close();
    }
  });
});
