import assert from 'node:assert/strict';
import { it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { LeaseLostError, takeRunLease } from '../../src/jobs/run-lease.ts';
import { createLogger } from '../../src/logger.ts';
import { describeEachDatabase } from '../helpers/databases.ts';

const logger = createLogger('silent');

describeEachDatabase('a run lease', (db) => {
  const organization = async (groupUid: string) =>
    db().repos.organizations.upsert({ tenant: 'maestrano', groupUid, name: groupUid });

  it('stays with a live run past its expiry, because the heartbeat renews it', async () => {
    const { repos, clock } = db();
    const org = await organization('cld-live');
    const timings = { ttlMs: 30_000, heartbeatMs: 20 };
    const lost: LeaseLostError[] = [];
    const live = await takeRunLease(repos, org.id, {
      owner: 'worker-1',
      timings,
      logger,
      onLost: (e) => lost.push(e),
    });
    assert.ok(live);
    for (let i = 0; i < 4; i++) {
      clock.advance(20_000);
      await sleep(80); // a few heartbeats
    }
    const other = await takeRunLease(repos, org.id, { owner: 'worker-2', timings, logger, onLost: () => {} });
    assert.equal(other, null, 'the lease is still held 80 s on, though it lives 30 s');
    await live.assertHeld();
    assert.deepEqual(lost, []);
    await live.release();
  });

  it('passes to another worker once a dead run stops renewing it, and fences the dead run out', async () => {
    const { repos, clock } = db();
    const org = await organization('cld-dead');
    const lost: LeaseLostError[] = [];
    // A heartbeat that never comes in the test: the process is as good as dead.
    const dead = await takeRunLease(repos, org.id, {
      owner: 'worker-1',
      timings: { ttlMs: 30_000, heartbeatMs: 3_600_000 },
      logger,
      onLost: (e) => lost.push(e),
    });
    assert.ok(dead);
    clock.advance(31_000);
    const next = await takeRunLease(repos, org.id, {
      owner: 'worker-2',
      timings: { ttlMs: 30_000, heartbeatMs: 20 },
      logger,
      onLost: () => {},
    });
    assert.ok(next, 'the expired lease is taken over');
    await assert.rejects(dead.assertHeld(), LeaseLostError);
    await next.assertHeld();
    // The dead run's release does not free what is no longer its own.
    await dead.release();
    await next.assertHeld();
    await next.release();
    assert.equal(await repos.organizations.leaseOf(org.id), null);
  });

  it('tells a stalled run at its next heartbeat that it lost the organization', async () => {
    const { repos, clock } = db();
    const org = await organization('cld-stalled');
    const lost: LeaseLostError[] = [];
    const stalled = await takeRunLease(repos, org.id, {
      owner: 'worker-1',
      timings: { ttlMs: 30_000, heartbeatMs: 30 },
      logger,
      onLost: (e) => lost.push(e),
    });
    assert.ok(stalled);
    // Another worker takes it as if the heartbeat had been late.
    await repos.organizations.releaseLease(org.id, stalled.holder);
    assert.equal(await repos.organizations.acquireLease(org.id, 'worker-2/x', 30_000), true);
    clock.advance(1);
    await sleep(120);
    assert.ok(lost.length >= 1 && lost[0] instanceof LeaseLostError);
    await stalled.release();
    assert.equal((await repos.organizations.leaseOf(org.id))?.holder, 'worker-2/x');
  });
});
