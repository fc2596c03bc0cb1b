import assert from 'node:assert/strict';
import { it } from 'node:test';
import { fleetReport } from '../../src/cli/fleet-command.ts';
import { loadConfig } from '../../src/config/config.ts';
import type { Connector } from '../../src/connector.ts';
import type { RateLimiter } from '../../src/constantcontact/rate-limiter.ts';
import type { BudgetReading } from '../../src/metrics/readings.ts';
import { emptyCounts } from '../../src/model/sync-run.ts';
import { describeEachDatabase, type TestDatabase } from '../helpers/databases.ts';

const HOUR_MS = 3_600_000;
const tokens = { accessToken: 'a', refreshToken: 'r', expiresAt: '2030-01-01T00:00:00.000Z' };

/** Two tenants: organizations in every state an operator tells apart. */
async function seedFleet({ repos, clock }: TestDatabase) {
  const organization = async (tenant: string, group: string, linked = true) => {
    const org = await repos.organizations.upsert({ tenant, groupUid: group, name: group });
    if (linked) await repos.organizations.link(org.id, { id: `cc-${tenant}-${group}`, name: group }, tokens);
    return org;
  };
  const run = async (organizationId: string, status: 'succeeded' | 'failed' | 'cancelled' | 'running') => {
    const started = await repos.syncRuns.start(organizationId, 'schedule');
    clock.advance(60_000);
    if (status !== 'running') await repos.syncRuns.finish(started.id, { status, counts: emptyCounts() });
  };

  // Long ago: linked and synced once, then nothing (overdue).
  const forgotten = await organization('acme', 'forgotten');
  await run(forgotten.id, 'succeeded');
  clock.advance(30 * HOUR_MS);

  const healthy = await organization('acme', 'healthy');
  await run(healthy.id, 'failed');
  await run(healthy.id, 'succeeded');
  const disconnected = await organization('acme', 'disconnected');
  await run(disconnected.id, 'failed');
  await repos.organizations.markNeedsReconnect(
    disconnected.id,
    'Constant Contact refused the refresh token.',
  );
  await organization('acme', 'never-linked', false);
  const gone = await organization('acme', 'deleted');
  await repos.organizations.markDeleted(gone.id);

  const busy = await organization('zenith', 'busy');
  await run(busy.id, 'cancelled');
  await run(busy.id, 'running');
  await organization('zenith', 'just-linked');
}

/** A connector over the test database; `scaleOut` gives it the shared (Redis) budget of several processes. */
function connectorOver(db: TestDatabase, limiter: RateLimiter | null, scaleOut = false): Connector {
  const config = loadConfig({ CC_DAILY_LIMIT: '5000', POLL_MAX: '1440' });
  if (scaleOut) config.scaleOut = { redisUrl: 'redis://127.0.0.1:6379', role: 'all', keyPrefix: 'test' };
  return {
    config,
    repositories: db.repos,
    sync: { cc: limiter ? { rateLimiter: limiter } : null, engine: null, scheduler: null },
  } as unknown as Connector;
}

describeEachDatabase('fleet report', (db) => {
  it('tells per tenant what is linked, waiting for a reconnect, running, overdue, and how last runs ended', async () => {
    await seedFleet(db());
    const report = await fleetReport(connectorOver(db(), null), db().clock.now());
    assert.deepEqual(report.tenants, [
      {
        tenant: 'acme',
        organizations: 4,
        linked: 3,
        needsReconnect: 1,
        runningNow: 0,
        overdue: 1,
        lastRuns: { succeeded: 2, failed: 1, cancelled: 0, none: 0 },
      },
      {
        tenant: 'zenith',
        organizations: 2,
        linked: 2,
        needsReconnect: 0,
        runningNow: 1,
        overdue: 0,
        lastRuns: { succeeded: 0, failed: 0, cancelled: 1, none: 1 },
      },
    ]);
    assert.equal(report.overdueAfterMinutes, 1440);
    // Embedded mode: what was spent is in the running process's memory, not in the database.
    assert.deepEqual(report.budget, { usedToday: null, limit: 5000, shared: false });
  });

  it("reports the shared limiter's figures for the day's budget", async () => {
    const shared: RateLimiter & BudgetReading = {
      acquire: () => Promise.reject(new Error('not used here')),
      blockUntil: () => {},
      usedToday: async () => 1234,
      limit: 20_000,
    };
    const report = await fleetReport(connectorOver(db(), shared, true), db().clock.now());
    assert.deepEqual(report.budget, { usedToday: 1234, limit: 20_000, shared: true });
  });
});
