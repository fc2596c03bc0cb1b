import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { organizationTokenStore } from '../../src/db/cc-token-store.ts';
import { createLogger } from '../../src/logger.ts';
import { ConnectorMetrics, TOKEN_REFRESH_OUTCOMES } from '../../src/metrics/connector-metrics.ts';
import { RUN_TRIGGERS } from '../../src/model/sync-run.ts';
import { runSync } from '../../src/sync/run-sync.ts';
import { seriesOf, seriesValue } from '../helpers/prometheus.ts';
import { type SyncHarness, startSyncHarness, syncOk } from '../helpers/sync-harness.ts';

describe('connector metrics of CC calls and sync runs', () => {
  let h: SyncHarness;
  let metrics: ConnectorMetrics;
  before(async () => {
    metrics = new ConnectorMetrics({ logger: createLogger('silent') });
    h = await startSyncHarness({ metrics });
  });
  after(async () => {
    h.cc.assertConformant();
    await h.close();
  });

  const runs = async (trigger: string, outcome: string) =>
    seriesValue(await metrics.text(), 'connector_sync_runs_total', { trigger, outcome });

  it('counts every call Constant Contact answered, token endpoint included, by status as CC saw it', async () => {
    h.app.create('people', {
      first_name: 'Metered',
      last_name: 'Customer',
      email: { address: 'metered@example.com' },
      is_customer: true,
    });
    // An access token about to expire: the run refreshes it at the token endpoint first.
    const tokens = organizationTokenStore(h.repos.organizations);
    const current = await tokens.load(h.organization.id);
    assert.ok(current);
    await tokens.save(h.organization.id, { ...current, expiresAt: new Date(Date.now() - 1000) });

    await syncOk(h);

    const seenByCc: Record<string, number> = {};
    for (const entry of h.cc.requestLog.entries) {
      seenByCc[String(entry.status)] = (seenByCc[String(entry.status)] ?? 0) + 1;
    }
    const counted = Object.fromEntries(
      seriesOf(await metrics.text(), 'connector_cc_requests_total').map((s) => [s.labels.status, s.value]),
    );
    assert.deepEqual(counted, seenByCc);
    assert.ok(
      h.cc.requestLog.count((e) => e.url.includes('/oauth2/default/v1/token')) > 0,
      'the refresh reached the token endpoint, and was counted with the rest',
    );
  });

  it('counts runs by trigger and outcome, every pair present from the start', async () => {
    const text = await metrics.text();
    for (const trigger of RUN_TRIGGERS) {
      for (const outcome of ['succeeded', 'failed', 'cancelled']) {
        assert.notEqual(seriesValue(text, 'connector_sync_runs_total', { trigger, outcome }), undefined);
      }
    }
    const succeededBefore = (await runs('manual', 'succeeded'))!;
    await syncOk(h);
    const stopped = new AbortController();
    stopped.abort();
    const cancelled = await runSync(h.engine, h.organization.id, 'notification', { signal: stopped.signal });
    assert.equal(cancelled.status, 'cancelled');

    assert.equal(await runs('manual', 'succeeded'), succeededBefore + 1);
    assert.equal(await runs('notification', 'cancelled'), 1);
    assert.equal(await runs('schedule', 'succeeded'), 0);
  });

  it('measures how long a change made in Constant Contact took to reach the hub', async () => {
    const countBefore = seriesValue(await metrics.text(), 'connector_cc_to_hub_lag_seconds_count') ?? 0;
    const sumBefore = seriesValue(await metrics.text(), 'connector_cc_to_hub_lag_seconds_sum') ?? 0;
    const madeAt = Date.now();
    h.ccAccount.createContactAsUser({
      email: 'made.in.cc@example.com',
      first_name: 'Made',
      last_name: 'InCc',
    });
    await syncOk(h);
    const elapsedSeconds = (Date.now() - madeAt) / 1000;

    assert.ok(
      h.hubRecords('people').some((p) => JSON.stringify(p).includes('made.in.cc@example.com')),
      'the contact reached the hub',
    );
    const text = await metrics.text();
    assert.equal(seriesValue(text, 'connector_cc_to_hub_lag_seconds_count'), countBefore + 1);
    const lag = seriesValue(text, 'connector_cc_to_hub_lag_seconds_sum')! - sumBefore;
    // CC's updated_at may be cut to the second, so the lag can exceed the wall time by up to a second.
    assert.ok(lag >= 0 && lag <= elapsedSeconds + 1, `lag ${lag} s within the ${elapsedSeconds} s elapsed`);
    assert.equal(
      seriesValue(text, 'connector_cc_to_hub_lag_seconds_bucket', { le: '+Inf' }),
      countBefore + 1,
    );
  });

  it('counts token refreshes by outcome as the coordinator reports them', async () => {
    metrics.tokenRefreshed('skipped_already_rotated');
    metrics.tokenRefreshed('ok');
    metrics.tokenRefreshed('ok');
    const text = await metrics.text();
    const byOutcome = Object.fromEntries(
      seriesOf(text, 'connector_token_refreshes_total').map((s) => [s.labels.outcome, s.value]),
    );
    assert.deepEqual(Object.keys(byOutcome).sort(), [...TOKEN_REFRESH_OUTCOMES].sort());
    assert.equal(byOutcome.skipped_already_rotated, 1);
    assert.equal(byOutcome.ok, 2);
    assert.equal(byOutcome.refused, 0);
  });
});
