import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { PlatformSeed } from '../../sandbox/platform/seed.ts';
import type { RunTrigger, SyncRun } from '../../src/model/sync-run.ts';
import { CC_READ_RESUME } from '../../src/sync/cc-changes.ts';
import { runSync } from '../../src/sync/run-sync.ts';
import { TEST_DATABASES } from '../helpers/databases.ts';
import { GROUP_A, testSeed } from '../helpers/platform-emulator.ts';
import { type SyncHarness, startSyncHarness } from '../helpers/sync-harness.ts';

function seedWithPeople(people: Array<{ first: string; email: string }>): PlatformSeed {
  const seed = testSeed();
  seed.hubRecords = people.map((p) => ({
    groupId: GROUP_A,
    collection: 'people' as const,
    record: { first_name: p.first, last_name: 'Chunk', email: { address: p.email }, is_customer: true },
  }));
  return seed;
}

const hubEmails = (h: SyncHarness) =>
  h
    .hubRecords('people')
    .map((r) => String((r.email as { address?: string } | undefined)?.address ?? '').toLowerCase())
    .sort();

const ccEmails = (h: SyncHarness) =>
  h.ccAccount
    .contacts()
    .map((c) => String(c.email_address?.address).toLowerCase())
    .sort();

/** Starts the harness with historical sharing on, so what both sides held before the link is shared. */
async function startSharingHistory(options: Parameters<typeof startSyncHarness>[0]): Promise<SyncHarness> {
  const h = await startSyncHarness(options);
  await h.repos.organizations.updateSettings(h.organization.id, { shareHistorical: true });
  return h;
}

/** CC API requests the emulator answered since the log was cleared (token requests aside). */
const apiRequests = (h: SyncHarness) => h.cc.requestLog.count((e) => e.endpoint.includes(' /v3/'));

/**
 * Runs chunks of at most `maxCalls` requests until one ends with no work left, checking each chunk's
 * recorded calls against the requests CC really received. Returns the runs, oldest first.
 */
async function runInChunks(
  h: SyncHarness,
  maxCalls: number,
  trigger: RunTrigger = 'schedule',
  limit = 40,
): Promise<SyncRun[]> {
  const runs: SyncRun[] = [];
  for (let i = 0; i < limit; i++) {
    h.cc.requestLog.clear();
    const run = await runSync(h.engine, h.organization.id, trigger, { maxCalls });
    assert.equal(run.status, 'succeeded', JSON.stringify(run.error));
    assert.equal(run.ccCalls, apiRequests(h), 'the run records the CC requests it sent');
    runs.push(run);
    if (!run.moreWork) return runs;
  }
  assert.fail(`still work left after ${limit} chunks`);
}

for (const kind of TEST_DATABASES) {
  describe(`runs that stop at their budget of CC calls [${kind}]`, () => {
    let h: SyncHarness | undefined;
    afterEach(async () => {
      h?.cc.assertConformant();
      await h?.close();
      h = undefined;
    });

    it('reads a large CC account over several chunks, then matches and shares it once, with no duplicate', async () => {
      const inCc = Array.from({ length: 14 }, (_, i) => ({
        email: `cc${String(i).padStart(2, '0')}@example.com`,
        first_name: `Cc${i}`,
      }));
      // Three people are on both sides (emails spelt differently), two only in the hub.
      const hubPeople = [
        { first: 'Cc1', email: 'CC01@example.com' },
        { first: 'Cc7', email: 'cc07@Example.com' },
        { first: 'Cc13', email: 'cc13@example.com' },
        { first: 'Hub1', email: 'hub1@example.com' },
        { first: 'Hub2', email: 'hub2@example.com' },
      ];
      h = await startSharingHistory({
        kind,
        seed: seedWithPeople(hubPeople),
        ccContacts: inCc,
        options: { ccPageSize: 2 },
      });

      const runs = await runInChunks(h, 3, 'first_link');

      assert.ok(runs.length >= 3, `the read took several chunks (${runs.length})`);
      const first = runs[0]!;
      assert.equal(first.moreWork, true);
      assert.match(first.notices.join(' '), /Stopped after \d+ Constant Contact requests/);
      const stoppedInRead = runs.filter((r) => r.moreWork);
      for (const run of stoppedInRead) {
        assert.equal(run.counts.hub.created, 0, 'nothing is created in the hub while CC is read');
        assert.equal(run.counts.cc.created, 0, 'nothing is created in CC while CC is read');
      }
      const last = runs.at(-1)!;
      assert.deepEqual(last.notices, []);
      assert.equal(
        await h.repos.cursors.get(h.organization.id, 'cc', CC_READ_RESUME),
        null,
        'the resume point is gone once the read ended',
      );

      const hub = hubEmails(h);
      assert.equal(hub.length, 16, 'every CC contact is in the hub once, beside the hub-only people');
      assert.equal(new Set(hub).size, hub.length, 'no duplicate in the hub');
      const cc = ccEmails(h);
      assert.equal(cc.length, 16, 'the hub-only people were added to CC');
      assert.equal(new Set(cc).size, cc.length, 'no duplicate in CC');
      const total = runs.reduce((sum, r) => sum + r.counts.hub.created, 0);
      assert.equal(total, 11, 'each CC-only contact was created in the hub by exactly one run');

      // Later polls read back the connector's own writes (in chunks too) and create nothing more.
      const later = await runInChunks(h, 3);
      assert.equal(
        later.reduce((sum, r) => sum + r.counts.hub.created + r.counts.cc.created, 0),
        0,
      );
      assert.equal(hubEmails(h).length, 16);
      assert.equal(ccEmails(h).length, 16);
    });

    it('shares a hub collection over chunks, each page once, going on from its checkpoint', async () => {
      const people = Array.from({ length: 9 }, (_, i) => ({ first: `P${i}`, email: `p${i}@example.com` }));
      h = await startSharingHistory({
        kind,
        seed: seedWithPeople(people),
        // Pages of 3 hub records, each written to CC on its own: a page costs 3 requests or more.
        options: { hubPageSize: 3, bulkThreshold: 1_000 },
      });

      const runs = await runInChunks(h, 4);

      assert.ok(runs.length >= 2, `the hub read took several chunks (${runs.length})`);
      const created = runs.map((r) => r.counts.cc.created);
      assert.ok(
        created[0]! > 0 && created[0]! < 9,
        `the first chunk shared part of the people (${created[0]})`,
      );
      assert.equal(
        created.reduce((a, b) => a + b, 0),
        9,
        'every person was created in CC by exactly one chunk',
      );
      const cc = ccEmails(h);
      assert.deepEqual(cc, people.map((p) => p.email).sort());
      assert.equal(hubEmails(h).length, 9, 'nothing came back to the hub as a duplicate');
    });

    it('reads to the end when run by hand, whatever is left from a chunk', async () => {
      const inCc = Array.from({ length: 8 }, (_, i) => ({ email: `m${i}@example.com`, first_name: `M${i}` }));
      h = await startSharingHistory({ kind, ccContacts: inCc, options: { ccPageSize: 2 } });
      const chunk = await runSync(h.engine, h.organization.id, 'first_link', { maxCalls: 2 });
      assert.equal(chunk.moreWork, true);
      assert.ok(await h.repos.cursors.get(h.organization.id, 'cc', CC_READ_RESUME));

      const manual = await h.sync('manual');
      assert.equal(manual.status, 'succeeded', JSON.stringify(manual.error));
      assert.equal(manual.moreWork, false);
      assert.equal(manual.counts.hub.created, 8, 'the hand-run went on and shared all eight');
      assert.equal(await h.repos.cursors.get(h.organization.id, 'cc', CC_READ_RESUME), null);
    });

    it('starts the read again when CC refuses the kept link, after telling it in one failed run', async () => {
      const inCc = Array.from({ length: 5 }, (_, i) => ({ email: `r${i}@example.com`, first_name: `R${i}` }));
      h = await startSharingHistory({ kind, ccContacts: inCc, options: { ccPageSize: 2 } });
      const resume = JSON.stringify({
        phase: 'updated',
        next: '/v3/contacts?cursor=not-a-cursor',
        startedAt: new Date().toISOString(),
      });
      await h.repos.cursors.set(h.organization.id, 'cc', CC_READ_RESUME, resume);

      const refused = await h.sync('schedule');
      assert.equal(refused.status, 'failed');
      assert.equal(refused.error?.code, 'CC_VALIDATION');
      assert.equal(await h.repos.cursors.get(h.organization.id, 'cc', CC_READ_RESUME), null);

      const next = await h.sync('schedule');
      assert.equal(next.status, 'succeeded', JSON.stringify(next.error));
      assert.equal(next.counts.hub.created, 5, 'the read started again and lost nothing');
    });
  });
}
