import assert from 'node:assert/strict';
import { it } from 'node:test';
import { loadConfig } from '../../src/config/config.ts';
import { createLogger } from '../../src/logger.ts';
import { ConnectorMetrics } from '../../src/metrics/connector-metrics.ts';
import { databaseFleetReading } from '../../src/metrics/fleet-summary.ts';
import { buildApp } from '../../src/web/app.ts';
import { describeEachDatabase } from '../helpers/databases.ts';
import { seriesOf, seriesValue } from '../helpers/prometheus.ts';

const DAY_MS = 86_400_000;

const METRIC_NAMES = [
  'connector_cc_requests_total',
  'connector_cc_budget_used_today',
  'connector_cc_budget_limit',
  'connector_sync_runs_total',
  'connector_queue_depth',
  'connector_organizations_overdue',
  'connector_cc_to_hub_lag_seconds',
  'connector_token_refreshes_total',
];

describeEachDatabase('GET /metrics', (db) => {
  it("serves the process's counters and the fleet's figures in Prometheus' text format", async () => {
    const { store, repos, clock } = db();
    // One organization linked two days ago that never ran (overdue), one linked now.
    const linkedLongAgo = await repos.organizations.upsert({ tenant: 't', groupUid: 'g-old', name: 'Old' });
    const tokens = { accessToken: 'a', refreshToken: 'r', expiresAt: clock.now().toISOString() };
    await repos.organizations.link(linkedLongAgo.id, { id: 'cc-old', name: 'Old' }, tokens);
    clock.advance(2 * DAY_MS);
    const linkedNow = await repos.organizations.upsert({ tenant: 't', groupUid: 'g-new', name: 'New' });
    await repos.organizations.link(linkedNow.id, { id: 'cc-new', name: 'New' }, tokens);

    const metrics = new ConnectorMetrics({ logger: createLogger('silent') });
    let used = 0;
    metrics.readBudgetFrom({ usedToday: async () => used, limit: 300 });
    metrics.readFleetFrom(
      databaseFleetReading(repos.fleet, DAY_MS, {
        now: () => clock.now(),
        queueDepth: async () => ({ manual: 1, schedule: 7 }),
      }),
    );
    metrics.ccCallEnded(200);
    metrics.ccCallEnded(429);
    metrics.ccCallEnded('timeout');
    used = 3;
    const app = await buildApp({
      config: loadConfig({}),
      store,
      repositories: repos,
      logger: createLogger('silent'),
      metrics,
    });

    const response = await app.inject({ method: 'GET', url: '/metrics' });
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    const text = response.body;
    for (const name of METRIC_NAMES) assert.match(text, new RegExp(`^# TYPE ${name} `, 'm'), name);
    assert.equal(seriesValue(text, 'connector_cc_requests_total', { status: '429' }), 1);
    assert.equal(seriesValue(text, 'connector_cc_requests_total', { status: 'timeout' }), 1);
    assert.equal(seriesValue(text, 'connector_cc_budget_used_today'), used);
    assert.equal(seriesValue(text, 'connector_cc_budget_limit'), 300);
    assert.equal(seriesValue(text, 'connector_queue_depth', { priority: 'schedule' }), 7);
    assert.equal(seriesValue(text, 'connector_organizations_overdue'), 1);
    await app.close();
  });

  it('still serves the counters when a shared figure cannot be read, leaving that figure out', async () => {
    const { store, repos } = db();
    const metrics = new ConnectorMetrics({ logger: createLogger('silent') });
    metrics.readBudgetFrom({
      usedToday: () => Promise.reject(new Error('Redis does not answer')),
      limit: 10_000,
    });
    metrics.syncRunEnded('manual', 'failed');
    const app = await buildApp({
      config: loadConfig({}),
      store,
      repositories: repos,
      logger: createLogger('silent'),
      metrics,
    });
    const response = await app.inject({ method: 'GET', url: '/metrics' });
    assert.equal(response.statusCode, 200);
    assert.equal(
      seriesValue(response.body, 'connector_sync_runs_total', { trigger: 'manual', outcome: 'failed' }),
      1,
    );
    assert.deepEqual(seriesOf(response.body, 'connector_cc_budget_used_today'), []);
    assert.equal(seriesValue(response.body, 'connector_cc_budget_limit'), 10_000);
    await app.close();
  });
});
