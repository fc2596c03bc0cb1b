import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { InvalidRunTransitionError } from '../../src/db/db-errors.ts';
import { emptyCounts } from '../../src/model/sync-run.ts';
import { describeEachDatabase } from '../helpers/databases.ts';

describeEachDatabase('sync runs, cursors and the audit log', (db) => {
  let orgId = '';
  before(async () => {
    orgId = (
      await db().repos.organizations.upsert({ tenant: 'maestrano', groupUid: 'cld-runs', name: 'Runs' })
    ).id;
  });

  it('records a run from start to finish with its counts per side', async () => {
    const { syncRuns } = db().repos;
    const run = await syncRuns.start(orgId, 'manual');
    assert.equal(run.status, 'running');
    assert.deepEqual(run.counts, emptyCounts());
    assert.equal((await syncRuns.findRunning(orgId))?.id, run.id);

    const counts = emptyCounts();
    counts.cc.created = 3;
    counts.hub.linked = 2;
    await syncRuns.updateProgress(run.id, { people: 40 }, counts);
    assert.deepEqual((await syncRuns.get(run.id)).progress, { people: 40 });

    db().clock.advance(5_000);
    const done = await syncRuns.finish(run.id, { status: 'succeeded', counts });
    assert.equal(done.status, 'succeeded');
    assert.equal(done.finishedAt, db().clock.now().toISOString());
    assert.equal(done.counts.cc.created, 3);
    assert.equal(await syncRuns.findRunning(orgId), null);
  });

  it("keeps a run's notices, and none for a run that has none", async () => {
    const { syncRuns } = db().repos;
    const told = await syncRuns.start(orgId, 'manual');
    const notices = ['The list "Lead list" was deleted in Constant Contact: the connector re-created it.'];
    assert.deepEqual(told.notices, []);
    await syncRuns.finish(told.id, { status: 'succeeded', counts: emptyCounts(), notices });
    assert.deepEqual((await syncRuns.get(told.id)).notices, notices);
    const quiet = await syncRuns.start(orgId, 'manual');
    await syncRuns.finish(quiet.id, { status: 'succeeded', counts: emptyCounts(), notices: [] });
    assert.deepEqual((await syncRuns.get(quiet.id)).notices, []);
  });

  it('keeps the CC requests a run sent and whether it left work for the next runs', async () => {
    const { syncRuns } = db().repos;
    const chunk = await syncRuns.start(orgId, 'first_link');
    assert.deepEqual([chunk.ccCalls, chunk.moreWork], [null, false], 'nothing counted while it runs');
    await syncRuns.finish(chunk.id, {
      status: 'succeeded',
      counts: emptyCounts(),
      ccCalls: 25,
      moreWork: true,
    });
    const kept = await syncRuns.get(chunk.id);
    assert.deepEqual([kept.ccCalls, kept.moreWork], [25, true]);
  });

  it('refuses to finish a run twice', async () => {
    const { syncRuns } = db().repos;
    const run = await syncRuns.start(orgId, 'schedule');
    await syncRuns.finish(run.id, { status: 'cancelled', counts: emptyCounts() });
    await assert.rejects(
      syncRuns.finish(run.id, { status: 'succeeded', counts: emptyCounts() }),
      (error) => error instanceof InvalidRunTransitionError && /cancelled/.test(error.message),
    );
    assert.equal((await syncRuns.get(run.id)).status, 'cancelled');
  });

  it('keeps the error of a failed run and lists runs newest first', async () => {
    const { syncRuns } = db().repos;
    db().clock.advance(1_000);
    const run = await syncRuns.start(orgId, 'notification');
    await syncRuns.finish(run.id, {
      status: 'failed',
      counts: emptyCounts(),
      error: { code: 'CC_UNAVAILABLE', message: 'Constant Contact did not answer.' },
    });
    const recent = await syncRuns.listRecent(orgId, 2);
    assert.equal(recent[0]?.id, run.id);
    assert.deepEqual(recent[0]?.error, {
      code: 'CC_UNAVAILABLE',
      message: 'Constant Contact did not answer.',
    });
    assert.equal(recent.length, 2);
  });

  it('marks runs abandoned by a dead process as failed', async () => {
    const { syncRuns } = db().repos;
    const run = await syncRuns.start(orgId, 'first_link');
    assert.equal(await syncRuns.failAbandoned(orgId, 'the worker stopped'), 1);
    const after = await syncRuns.get(run.id);
    assert.equal(after.status, 'failed');
    assert.equal(after.error?.code, 'RUN_ABANDONED');
  });

  it('refuses an unknown trigger, and records a historical backfill as one', async () => {
    await assert.rejects(db().repos.syncRuns.start(orgId, 'whenever' as never));
    const backfill = await db().repos.syncRuns.start(orgId, 'historical');
    assert.equal((await db().repos.syncRuns.get(backfill.id)).trigger, 'historical');
    await db().repos.syncRuns.finish(backfill.id, { status: 'cancelled', counts: emptyCounts() });
  });

  it('keeps one cursor per organization, side and collection', async () => {
    const { cursors } = db().repos;
    assert.equal(await cursors.get(orgId, 'hub', 'people'), null);
    await cursors.set(orgId, 'hub', 'people', '2026-03-01T08:00:00.000Z');
    await cursors.set(orgId, 'hub', 'people', '2026-03-01T08:15:00.000Z');
    await cursors.set(orgId, 'cc', 'contacts', '2026-03-01T08:10:00.000Z');
    assert.equal(await cursors.get(orgId, 'hub', 'people'), '2026-03-01T08:15:00.000Z');
    assert.deepEqual(
      (await cursors.list(orgId)).map((c) => [c.side, c.collection, c.value]),
      [
        ['cc', 'contacts', '2026-03-01T08:10:00.000Z'],
        ['hub', 'people', '2026-03-01T08:15:00.000Z'],
      ],
    );
    await cursors.remove(orgId, 'cc', 'contacts');
    assert.deepEqual(
      (await cursors.list(orgId)).map((c) => c.collection),
      ['people'],
      'only that cursor is gone',
    );
    await cursors.reset(orgId);
    assert.deepEqual(await cursors.list(orgId), []);
  });

  it('writes audit entries and lists them newest first', async () => {
    const { auditLog } = db().repos;
    await auditLog.record({
      tenant: 'maestrano',
      organizationId: orgId,
      actor: 'usr-1',
      event: 'organization.linked',
      details: { ccAccountId: 'cc-1' },
    });
    db().clock.advance(1_000);
    await auditLog.record({
      tenant: 'maestrano',
      organizationId: orgId,
      actor: 'platform',
      event: 'organization.deleted',
      details: {},
    });
    const entries = await auditLog.listForOrganization(orgId);
    assert.deepEqual(
      entries.map((e) => [e.event, e.actor]),
      [
        ['organization.deleted', 'platform'],
        ['organization.linked', 'usr-1'],
      ],
    );
    assert.deepEqual(entries[1]?.details, { ccAccountId: 'cc-1' });
  });
});
