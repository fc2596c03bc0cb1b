import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { PlatformSeed } from '../../sandbox/platform/seed.ts';
import { previewHistorical } from '../../src/sync/historical-preview.ts';
import { TEST_DATABASES } from '../helpers/databases.ts';
import { GROUP_A, TEST_TENANT, testSeed } from '../helpers/platform-emulator.ts';
import { connecId, type SyncHarness, startSyncHarness } from '../helpers/sync-harness.ts';

/** Both sides already hold some of the same people, with the emails written differently. */
function overlappingSeed(): PlatformSeed {
  const seed = testSeed();
  seed.hubRecords = [
    {
      groupId: GROUP_A,
      collection: 'people',
      record: {
        first_name: 'Ann',
        last_name: 'Both',
        email: { address: 'Ann@Example.com' },
        is_customer: true,
      },
    },
    {
      groupId: GROUP_A,
      collection: 'people',
      record: {
        first_name: 'Hal',
        last_name: 'HubOnly',
        email: { address: 'hal@example.com' },
        is_customer: true,
      },
    },
    {
      groupId: GROUP_A,
      collection: 'organizations',
      record: { name: 'Both Co', email: { address: 'sales@bothco.example' }, is_supplier: true },
    },
  ];
  return seed;
}

const ccContacts = [
  { email: 'ann@example.COM', first_name: 'Ann', last_name: 'Both', job_title: 'Owner' },
  { email: 'SALES@bothco.example', company_name: 'Both Co' },
  { email: 'cat@example.com', first_name: 'Cat', last_name: 'CcOnly' },
];

function hubEmails(h: SyncHarness, collection: 'people' | 'organizations'): string[] {
  return h
    .hubRecords(collection)
    .map((r) => (r.email as { address?: string } | undefined)?.address?.trim().toLowerCase() ?? '')
    .filter((email) => email !== '')
    .sort();
}

function ccEmails(h: SyncHarness): string[] {
  return h.ccAccount
    .contacts()
    .map((c) => String(c.email_address?.address).trim().toLowerCase())
    .sort();
}

for (const kind of TEST_DATABASES) {
  describe(`first link with existing data on both sides [${kind}]`, () => {
    let h: SyncHarness | undefined;
    afterEach(async () => {
      h?.cc.assertConformant();
      await h?.close();
    });

    it('matches by email and links, creating nothing on either side by default', async () => {
      h = await startSyncHarness({ kind, seed: overlappingSeed(), ccContacts });
      const run = await h.sync('first_link');
      assert.equal(run.status, 'succeeded', JSON.stringify(run.error));
      await h.sync();
      assert.deepEqual(
        ccEmails(h),
        ['ann@example.com', 'cat@example.com', 'sales@bothco.example'],
        'nothing created in CC',
      );
      assert.deepEqual(
        hubEmails(h, 'people'),
        ['ann@example.com', 'hal@example.com'],
        'nothing created in the hub',
      );
      const linked = await h.repos.idMaps.page(h.organization.id, {
        states: ['linked'],
        limit: 50,
        offset: 0,
      });
      assert.deepEqual(
        linked.items
          .filter((m) => m.hubCollection !== 'company')
          .map((m) => m.email)
          .sort(),
        ['ann@example.com', 'sales@bothco.example'],
      );
      // Historical data is not shared: the pairs are linked as each side holds them, nothing rewritten.
      assert.equal(run.counts.hub.updated + run.counts.cc.updated, 0, JSON.stringify(run.counts));
      assert.equal(run.counts.cc.linked, 3, 'two contacts and the company profile');
      const ann = h.ccAccount.contact('ann@example.com');
      assert.deepEqual(ann?.list_memberships ?? [], [], 'no list joined');
      assert.equal(ann?.email_address?.address, 'ann@example.COM', 'CC keeps its spelling of the email');
      const hubAnn = h.hubRecords('people').find((p) => p.first_name === 'Ann');
      assert.equal(hubAnn?.job_title, undefined, 'no blank filled from the other side');
      assert.equal((hubAnn?.email as { address?: string } | undefined)?.address, 'Ann@Example.com');
      // The hub-only record is reported, not silently dropped.
      const excluded = await h.repos.idMaps.page(h.organization.id, {
        states: ['excluded'],
        limit: 50,
        offset: 0,
      });
      assert.ok(
        excluded.items.some(
          (m) => m.email === 'hal@example.com' && /existed before sharing started/.test(m.reason ?? ''),
        ),
      );
    });

    it('with historical data shared, creates the rest once, still without duplicates', async () => {
      h = await startSyncHarness({ kind, seed: overlappingSeed(), ccContacts });
      await h.repos.organizations.updateSettings(h.organization.id, { shareHistorical: true });
      const run = await h.sync('first_link');
      assert.equal(run.status, 'succeeded', JSON.stringify(run.error));
      await h.sync();
      await h.sync();
      assert.deepEqual(ccEmails(h), [
        'ann@example.com',
        'cat@example.com',
        'hal@example.com',
        'sales@bothco.example',
      ]);
      assert.deepEqual(hubEmails(h, 'people'), ['ann@example.com', 'cat@example.com', 'hal@example.com']);
      assert.deepEqual(hubEmails(h, 'organizations'), ['sales@bothco.example']);
      assert.equal(new Set(ccEmails(h)).size, ccEmails(h).length, 'no email twice in CC');
      // With history shared, matched pairs are settled: blanks filled, lists joined, emails left as spelled.
      const ann = h.ccAccount.contact('ann@example.com');
      assert.equal(h.ccAccount.findListByName('Customer list')?.list_id, ann?.list_memberships?.[0]);
      assert.equal(ann?.email_address?.address, 'ann@example.COM');
      const hubAnn = h.hubRecords('people').find((p) => p.first_name === 'Ann');
      assert.equal(hubAnn?.job_title, 'Owner');
      assert.equal((hubAnn?.email as { address?: string } | undefined)?.address, 'Ann@Example.com');
    });

    it('pairs linked as they were are settled once historical data is shared', async () => {
      h = await startSyncHarness({ kind, seed: overlappingSeed(), ccContacts });
      await h.sync('first_link');
      assert.equal(h.hubRecords('people').find((p) => p.first_name === 'Ann')?.job_title, undefined);
      await h.repos.organizations.updateSettings(h.organization.id, { shareHistorical: true });
      await h.repos.cursors.reset(h.organization.id);
      const run = await h.sync('historical');
      assert.equal(run.status, 'succeeded', JSON.stringify(run.error));
      const hubAnn = h.hubRecords('people').find((p) => p.first_name === 'Ann');
      assert.equal(hubAnn?.job_title, 'Owner');
      assert.equal((hubAnn?.email as { address?: string } | undefined)?.address, 'Ann@Example.com');
      const ann = h.ccAccount.contact('ann@example.com');
      assert.equal(ann?.email_address?.address, 'ann@example.COM');
      assert.equal(h.ccAccount.findListByName('Customer list')?.list_id, ann?.list_memberships?.[0]);
      const supplier = h.ccAccount.contact('sales@bothco.example');
      assert.equal(h.ccAccount.findListByName('Supplier list')?.list_id, supplier?.list_memberships?.[0]);
    });

    it('never rewrites an email that differs only in case, on either side', async () => {
      h = await startSyncHarness({ kind, seed: overlappingSeed(), ccContacts });
      await h.repos.organizations.updateSettings(h.organization.id, {
        shareHistorical: true,
        conflictWinner: 'cc',
      });
      await h.sync('first_link');
      const hubAnn = () => h!.hubRecords('people').find((p) => p.first_name === 'Ann');
      const hubEmail = () => (hubAnn()?.email as { address?: string } | undefined)?.address;
      const ccEmail = () => h!.ccAccount.contact('ann@example.com')?.email_address?.address;
      // Each side re-spells it after the link: still one email, so neither is written.
      h.ccAccount.updateContactAsUser(h.ccAccount.contact('ann@example.com')!.contact_id, {
        email: 'ANN@EXAMPLE.COM',
      });
      await h.sync();
      assert.equal(hubEmail(), 'Ann@Example.com');
      assert.equal(ccEmail(), 'ANN@EXAMPLE.COM');
      h.app.update('people', connecId(hubAnn()!), {
        email: { address: 'ann@example.com' },
        job_title: 'CEO',
      });
      await h.sync();
      assert.equal(ccEmail(), 'ANN@EXAMPLE.COM');
      assert.equal(h.ccAccount.contact('ann@example.com')?.job_title, 'CEO', 'the other change is shared');
      assert.equal(hubEmail(), 'ann@example.com');
    });

    it('previews historical sharing without writing anything, then shares history once opted in', async () => {
      const seed = overlappingSeed();
      seed.hubRecords?.push({
        groupId: GROUP_A,
        collection: 'people',
        record: { first_name: 'No', last_name: 'Email', is_customer: true },
      });
      h = await startSyncHarness({ kind, seed, ccContacts });
      await h.sync('first_link');
      const before = { cc: h.cc.requestLog.count(), hub: h.platform.requestLog.entries.length };
      const preview = await previewHistorical(h.db.store.db, h.organization.id);
      assert.deepEqual(preview, {
        toCc: { create: 1, link: 0 },
        toHub: { create: 1, link: 0 },
        settle: 3,
        excluded: { 'no email': 1 },
      });
      assert.deepEqual(
        { cc: h.cc.requestLog.count(), hub: h.platform.requestLog.entries.length },
        before,
        'no API call',
      );

      await h.repos.organizations.updateSettings(h.organization.id, { shareHistorical: true });
      await h.repos.cursors.reset(h.organization.id);
      const run = await h.sync();
      assert.equal(run.status, 'succeeded', JSON.stringify(run.error));
      assert.deepEqual(ccEmails(h), [
        'ann@example.com',
        'cat@example.com',
        'hal@example.com',
        'sales@bothco.example',
      ]);
      assert.deepEqual(hubEmails(h, 'people').filter(Boolean), [
        'ann@example.com',
        'cat@example.com',
        'hal@example.com',
      ]);
      assert.deepEqual(await previewHistorical(h.db.store.db, h.organization.id), {
        toCc: { create: 0, link: 0 },
        toHub: { create: 0, link: 0 },
        settle: 0,
        excluded: { 'no email': 1 },
      });
    });

    it('a hub record and a contact created later with the same email are linked, not duplicated', async () => {
      h = await startSyncHarness({ kind, seed: overlappingSeed(), ccContacts });
      await h.sync('first_link');
      // Hal existed in the hub before linking; now someone adds him in CC.
      h.ccAccount.createContactAsUser({ email: 'HAL@Example.com', first_name: 'Hal' });
      await h.sync();
      assert.deepEqual(hubEmails(h, 'people'), ['ann@example.com', 'hal@example.com']);
      const hal = await h.repos.idMaps.page(h.organization.id, {
        states: ['linked'],
        search: 'hal@',
        limit: 5,
        offset: 0,
      });
      assert.equal(hal.total, 1);
    });
  });
}

void TEST_TENANT;
