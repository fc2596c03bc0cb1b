import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyCounts, type RunStatus, type SyncRun } from '../../src/model/sync-run.ts';
import { localTimes } from '../../src/time-text.ts';
import { axisTop, renderRunChart, renderRunHistory } from '../../src/web/views/run-history.ts';

const NOW = new Date('2026-05-01T12:00:00.000Z');
const utc = localTimes(null, NOW);

function run(
  notices: string[],
  opts: { id?: string; startedAt?: string; status?: RunStatus; toCc?: number; toHub?: number } = {},
): SyncRun {
  const counts = emptyCounts();
  counts.cc.created = opts.toCc ?? 0;
  counts.hub.updated = opts.toHub ?? 0;
  return {
    id: opts.id ?? 'run-1',
    organizationId: 'org-1',
    trigger: 'schedule',
    status: opts.status ?? 'succeeded',
    startedAt: opts.startedAt ?? '2026-05-01T10:00:00.000Z',
    finishedAt: '2026-05-01T10:00:03.000Z',
    counts,
    progress: null,
    error: null,
    notices,
    ccCalls: 3,
    moreWork: false,
  };
}

describe('the run history on the connector page', () => {
  it("shows a run's notices in its outcome, escaped", () => {
    const page = renderRunHistory(
      [run(['The list "Customer list" was deleted in Constant Contact: the connector re-created it.'])],
      utc,
    ).toString();
    assert.match(
      page,
      /succeeded<\/span><br>The list &quot;Customer list&quot; was deleted in Constant Contact: the connector re-created it\.<\/td>/,
    );
  });

  it('shows nothing more for a run without notices', () => {
    assert.match(renderRunHistory([run([])], utc).toString(), /succeeded<\/span><\/td>/);
  });

  it("shows when each run started in the account's zone, how long ago, and names the zone", () => {
    const page = renderRunHistory([run([])], localTimes('America/Chicago', NOW)).toString();
    assert.match(page, /2 hours ago/);
    assert.match(page, /2026-05-01 05:00 CDT/);
    assert.match(page, /Times are in America\/Chicago, the Constant Contact account&#39;s time zone\./);
  });
});

describe('the run chart', () => {
  it('before the first run, says what will appear instead of drawing an empty box', () => {
    const chart = renderRunChart([], utc).toString();
    assert.match(chart, /data-chart-empty/);
    assert.match(chart, /No synchronization yet/);
    assert.doesNotMatch(chart, /<svg/);
  });

  it('has a scale of whole numbers that covers the largest run', () => {
    assert.deepEqual([0, 3, 4, 5, 33, 80, 81, 120, 1999].map(axisTop), [4, 4, 4, 6, 40, 80, 100, 200, 2000]);
  });

  it('labels both axes, marks failed runs and has no per-run maximum legend', () => {
    const runs = [
      run([], { id: 'r3', startedAt: '2026-05-01T11:00:00.000Z', toCc: 20, toHub: 13 }),
      run([], { id: 'r2', startedAt: '2026-05-01T10:30:00.000Z', status: 'failed' }),
      run([], { id: 'r1', startedAt: '2026-05-01T10:00:00.000Z', toCc: 5 }),
    ];
    const chart = renderRunChart(runs, localTimes('Europe/Paris', NOW)).toString();
    const ticks = [...chart.matchAll(/<span data-tick>(\d+)<\/span>/g)].map((m) => m[1]);
    assert.deepEqual(ticks, ['40', '20', '0']);
    // Oldest on the left, newest on the right, dated in the account's zone, which the axis names.
    assert.ok(chart.indexOf('data-run="r1"') < chart.indexOf('data-run="r3"'));
    assert.match(chart, /May 1 13:00<\/span><\/div>/);
    assert.match(chart, /Run start, Europe\/Paris/);
    assert.match(
      chart,
      /<g data-run="r2" data-status="failed"><title>[^<]*failed<\/title><rect class="failed-band"/,
    );
    assert.match(chart, /Failed run/);
    assert.match(chart, /<title>2026-05-01 13:00 GMT\+2: 20 to Constant Contact, 13 to Connec!<\/title>/);
    assert.match(
      chart,
      /Records shared in the last 3 runs, [^<]*: 25 to Constant Contact, 13 to Connec!; 1 run failed\./,
    );
    assert.doesNotMatch(chart, /Max \d+ per run/);
  });

  it('shows the last 30 runs at most', () => {
    const runs = Array.from({ length: 45 }, (_, i) =>
      run([], { id: `r${i}`, startedAt: new Date(NOW.getTime() - i * 60_000).toISOString(), toCc: 1 }),
    );
    const chart = renderRunChart(runs, utc).toString();
    assert.equal([...chart.matchAll(/<g data-run=/g)].length, 30);
    assert.match(chart, /data-run="r29"/);
    assert.doesNotMatch(chart, /data-run="r30"/);
  });
});
