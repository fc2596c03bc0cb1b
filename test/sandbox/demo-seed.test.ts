import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startConstantContactEmulator } from '../../sandbox/constantcontact/index.ts';
import { buildDemoSeed, DEMO_GROUPS, sandboxGroupId } from '../../sandbox/demo-seed.ts';
import { startPlatformEmulator } from '../../sandbox/platform/index.ts';
import { parseSandboxOrgs, SandboxOrgsError } from '../../sandbox/sandbox-orgs.ts';

const TSX = ['--import', 'tsx'];
const env = (extra: Record<string, string>): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  PLATFORM_SANDBOX_PORT: '0',
  CC_SANDBOX_PORT: '0',
  ...extra,
});

const emailsOf = (records: { record: Record<string, unknown> }[]) =>
  records.flatMap((r) => {
    const address = (r.record.email as { address?: string } | undefined)?.address;
    return address ? [address] : [];
  });

describe('the demo seed', () => {
  it('gives Demo Bakery and Demo Bikes each its own CC account and login', () => {
    const seed = buildDemoSeed();
    assert.deepEqual(
      seed.platform.organizations?.map((o) => [o.uid, o.name]),
      [
        [DEMO_GROUPS.bakery, 'Demo Bakery'],
        [DEMO_GROUPS.bikes, 'Demo Bikes'],
      ],
    );
    assert.deepEqual(
      seed.logins.constantContact.map((l) => [l.organization, l.username, l.accountId]),
      [
        ['Demo Bakery', 'owner@demo-bakery.example', 'a07e1sandbox1'],
        ['Demo Bikes', 'owner@demo-bikes.example', 'a07e1sandbox2'],
      ],
    );
    assert.deepEqual(
      seed.cc.accounts.map((a) => a.organizationName),
      ['Demo Bakery', 'Demo Bikes'],
    );
  });

  it("fills Demo Bikes' account with contacts, some sharing emails with its hub records in another case", () => {
    const seed = buildDemoSeed();
    const bikes = seed.cc.accounts.find((a) => a.organizationName === 'Demo Bikes')!;
    const hubEmails = emailsOf(seed.platform.hubRecords!.filter((r) => r.groupId === DEMO_GROUPS.bikes));
    const ccEmails = bikes.contacts!.map((c) => c.email!);
    const shared = ccEmails.filter((e) => hubEmails.some((h) => h.toLowerCase() === e.toLowerCase()));
    assert.ok(shared.length >= 2, `shared: ${shared}`);
    assert.ok(
      shared.every((e) => !hubEmails.includes(e)),
      'written in another case than in the hub',
    );
    assert.ok(ccEmails.length > shared.length, 'and some only in CC');
  });

  it('seeds N organizations with hub records and N CC accounts with distinct logins', () => {
    const seed = buildDemoSeed({ organizations: 7 });
    const organizations = seed.platform.organizations!;
    assert.equal(organizations.length, 7);
    assert.deepEqual(
      organizations.slice(0, 2).map((o) => o.name),
      ['Demo Bakery', 'Demo Bikes'],
    );
    assert.equal(organizations[2]!.uid, sandboxGroupId(3));
    assert.equal(new Set(organizations.map((o) => o.uid)).size, 7);
    for (const organization of organizations) {
      const records = seed.platform.hubRecords!.filter((r) => r.groupId === organization.uid);
      assert.ok(records.length >= 3, `${organization.name} has a few hub records`);
      assert.ok(
        organization.members.some((m) => m.userUid === 'usr-alice'),
        `alice can launch ${organization.name}`,
      );
    }
    assert.equal(seed.cc.accounts.length, 7);
    const logins = seed.logins.constantContact;
    assert.equal(new Set(logins.map((l) => l.username)).size, 7);
    assert.equal(new Set(logins.map((l) => l.accountId)).size, 7);
    assert.deepEqual(
      logins.map((l) => l.organization),
      organizations.map((o) => o.name),
    );
    const seventh = seed.cc.accounts[6]!;
    const hubEmails = emailsOf(seed.platform.hubRecords!.filter((r) => r.groupId === organizations[6]!.uid));
    assert.ok(
      seventh.contacts!.some((c) => hubEmails.some((h) => h === c.email!.toLowerCase() && h !== c.email)),
      'a generated account shares emails with its organization, in another case',
    );
  });

  it('seeds Demo Bakery alone for 1, and refuses a count out of range', () => {
    const seed = buildDemoSeed({ organizations: 1 });
    assert.deepEqual(
      seed.platform.organizations?.map((o) => o.name),
      ['Demo Bakery'],
    );
    assert.ok(seed.platform.hubRecords!.every((r) => r.groupId === DEMO_GROUPS.bakery));
    assert.equal(seed.cc.accounts.length, 1);
    assert.throws(() => buildDemoSeed({ organizations: 0 }), RangeError);
    assert.throws(() => buildDemoSeed({ organizations: 501 }), RangeError);
  });

  it('starts both emulators with every organization and account of the seed', async () => {
    const seed = buildDemoSeed({ organizations: 5 });
    const platform = await startPlatformEmulator({ seed: seed.platform, connectorUrl: 'http://localhost:1' });
    const cc = await startConstantContactEmulator({ accounts: seed.cc.accounts });
    try {
      for (const organization of seed.platform.organizations!) {
        assert.ok(platform.records(organization.uid, 'people').length > 0, organization.name);
      }
      for (const login of seed.logins.constantContact) {
        const account = cc.accounts.findByUsername(login.username);
        assert.equal(account?.id, login.accountId);
        assert.ok(account.contacts().length > 0, `${login.username} has contacts`);
      }
    } finally {
      await cc.close();
      await platform.close();
    }
  });
});

describe('SANDBOX_ORGS', () => {
  it('reads a whole number from 1 to 500, 2 when unset', () => {
    assert.equal(parseSandboxOrgs(undefined), 2);
    assert.equal(parseSandboxOrgs(''), 2);
    assert.equal(parseSandboxOrgs('1'), 1);
    assert.equal(parseSandboxOrgs(' 500 '), 500);
    for (const bad of ['0', '501', '-3', '2.5', 'ten', '1e2']) {
      assert.throws(
        () => parseSandboxOrgs(bad),
        (error: unknown) =>
          error instanceof SandboxOrgsError &&
          error.code === 'SANDBOX_ORGS_INVALID' &&
          error.message.startsWith(`SANDBOX_ORGS must be a whole number from 1 to 500 (got "${bad}")`),
      );
    }
  });

  it('`npm run sandbox` refuses a bad value in one line, and writes nothing', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sandbox-orgs-')), 'sandbox.json');
    const result = spawnSync(process.execPath, [...TSX, 'sandbox/main.ts'], {
      env: env({ SANDBOX_ORGS: '0', SANDBOX_FILE: file }),
      encoding: 'utf8',
    });
    assert.equal(result.status, 1);
    assert.equal(
      result.stderr,
      'SANDBOX_ORGS must be a whole number from 1 to 500 (got "0"); unset, the sandbox seeds 2 organizations\n',
    );
    assert.ok(!existsSync(file));
  });

  it('`npm run sandbox` with SANDBOX_ORGS=4 lists 4 organizations and 4 CC logins in its file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sandbox-orgs-')), 'sandbox.json');
    const child = spawn(process.execPath, [...TSX, 'sandbox/main.ts'], {
      env: env({ SANDBOX_ORGS: '4', SANDBOX_FILE: file }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (d) => {
      output += d;
    });
    try {
      const deadline = Date.now() + 20_000;
      while (!output.includes('Facts as JSON')) {
        if (child.exitCode !== null) assert.fail(`the sandbox exited with ${child.exitCode}`);
        if (Date.now() > deadline) assert.fail('the sandbox did not start within 20 s');
        await new Promise((r) => setTimeout(r, 100));
      }
      const facts = JSON.parse(readFileSync(file, 'utf8')) as {
        platform: { organizations: string[] };
        constantContact: { url: string; logins: { username: string; organization: string }[] };
      };
      assert.deepEqual(facts.platform.organizations, [
        DEMO_GROUPS.bakery,
        DEMO_GROUPS.bikes,
        sandboxGroupId(3),
        sandboxGroupId(4),
      ]);
      assert.deepEqual(
        facts.constantContact.logins.map((l) => [l.organization, l.username]),
        [
          ['Demo Bakery', 'owner@demo-bakery.example'],
          ['Demo Bikes', 'owner@demo-bikes.example'],
          ['Sandbox Org 3', 'owner@sandbox-org-3.example'],
          ['Sandbox Org 4', 'owner@sandbox-org-4.example'],
        ],
      );
      assert.match(
        output,
        /owner@demo-bikes\.example \/ cc-demo-password \(Demo Bikes, account a07e1sandbox2\)/,
      );
      // The fourth login works at the running CC emulator.
      const login = await fetch(`${facts.constantContact.url}/app/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username: 'owner@sandbox-org-4.example', password: 'cc-demo-password' }),
        redirect: 'manual',
      });
      assert.equal(login.status, 303);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });
});
