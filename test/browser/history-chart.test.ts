import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEMO_GROUPS } from '../../sandbox/demo-seed.ts';
import { emptyCounts } from '../../src/model/sync-run.ts';
import {
  connectOpenOrganization,
  launchBrowser,
  openDemoBakery,
  waitForSettledConnectorPage,
} from '../helpers/browser.ts';
import { startTestDemo } from '../helpers/connector-demo.ts';

// Demo Bakery's Constant Contact account is in America/Chicago: a zone that is never UTC.
const CHICAGO_TIME = /\d{4}-\d\d-\d\d \d\d:\d\d C[SD]T/;

describe("the history's chart and times, in the account's time zone (browser)", () => {
  let demo: Awaited<ReturnType<typeof startTestDemo>>;
  let browser: Browser;
  let page: Page;

  before(async () => {
    demo = await startTestDemo();
    browser = await launchBrowser();
    page = await (await browser.newContext()).newPage();
  });
  after(async () => {
    await browser?.close();
    await demo?.close();
  });

  it('before the first run, the chart says what will appear instead of an empty box', async () => {
    await openDemoBakery(page, demo);
    const empty = page.locator('#history [data-chart-empty]');
    assert.match(
      (await empty.textContent()) ?? '',
      /No synchronization yet\..*a bar here shows how many records/s,
    );
    assert.equal(await page.locator('#history svg').count(), 0);
  });

  it('once linked, draws the runs with a labelled scale, dated in the account zone it names', async () => {
    await connectOpenOrganization(page);
    await waitForSettledConnectorPage(page);
    const chart = page.locator('#history [data-chart]');
    assert.match(
      (await chart.locator('.chart-title').textContent()) ?? '',
      /^Records shared per run \(last 1 run\)$/,
    );
    const ticks = await chart.locator('[data-tick]').allTextContents();
    assert.equal(ticks.length, 3);
    assert.equal(ticks[2], '0');
    assert.equal(Number(ticks[1]) * 2, Number(ticks[0]), 'the middle tick is half the top one');
    assert.match((await chart.locator('.x-axis').textContent()) ?? '', /^[A-Z][a-z]{2} \d{1,2} \d\d:\d\d$/);
    assert.match((await chart.textContent()) ?? '', /Run start, America\/Chicago/);
    assert.doesNotMatch((await chart.textContent()) ?? '', /Max \d+ per run/);
    // The bar of the first connection is as tall as the records it shared.
    const summary = (await chart.locator('#chart-summary').textContent()) ?? '';
    assert.match(
      summary,
      /^Records shared in the last 1 run, from .* to .*: \d+ to Constant Contact, \d+ to Connec!\.$/,
    );
  });

  it('shows every time of the page in that zone, with how long ago', async () => {
    const history = page.locator('#history');
    assert.match((await history.locator('caption').textContent()) ?? '', /Times are in America\/Chicago/);
    const started = (await history.locator('td[data-label="Started"]').first().textContent()) ?? '';
    assert.match(started, /^(just now|\d+ minutes? ago)/);
    assert.match(started, CHICAGO_TIME);
    const status = (await page.locator('#sync-progress-status').textContent()) ?? '';
    assert.match(
      status,
      new RegExp(`Last synchronization finished (just now|\\d+ minutes? ago) \\(${CHICAGO_TIME.source}\\)`),
    );
    const connectedSince = page.locator('dl.facts dt:text-is("Connected since") + dd');
    assert.match((await connectedSince.textContent()) ?? '', CHICAGO_TIME);
    assert.doesNotMatch((await page.locator('main').textContent()) ?? '', /\d\d:\d\d UTC/);
  });

  it('marks a failed run in red, and says so in the legend', async () => {
    const organization = await demo.connector.repositories.organizations.findByGroup(
      'sandbox',
      DEMO_GROUPS.bakery,
    );
    const runs = demo.connector.repositories.syncRuns;
    const failed = await runs.start(organization!.id, 'schedule');
    await runs.finish(failed.id, {
      status: 'failed',
      counts: emptyCounts(),
      error: { code: 'CC_UNAVAILABLE', message: 'Constant Contact did not answer.' },
    });
    await page.reload();
    await waitForSettledConnectorPage(page);
    const chart = page.locator('#history [data-chart]');
    const mark = chart.locator(`g[data-run="${failed.id}"] rect.failed-band`);
    assert.equal(await mark.count(), 1);
    const box = await mark.boundingBox();
    assert.ok(box && box.height > 50, 'the failed run is shaded over the whole height of the plot');
    assert.match((await chart.locator('figcaption').textContent()) ?? '', /Failed run/);
    assert.match((await chart.locator('#chart-summary').textContent()) ?? '', /1 run failed\.$/);
  });

  it('reads at phone width: the chart fits and its dates stay inside the page', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    const chart = page.locator('#history [data-chart]');
    const box = await chart.boundingBox();
    assert.ok(
      box && box.x >= 0 && box.x + box.width <= 390,
      `the chart fits in 390 px (${JSON.stringify(box)})`,
    );
    for (const label of await chart.locator('.x-axis span').all()) {
      const text = await label.boundingBox();
      if (text && text.width > 0) assert.ok(text.x >= 0 && text.x + text.width <= 390);
    }
  });
});
