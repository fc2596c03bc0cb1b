import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEMO_GROUPS } from '../../sandbox/demo-seed.ts';
import { emptyCounts } from '../../src/model/sync-run.ts';
import { launchBrowser, linkDemoBakery } from '../helpers/browser.ts';
import { startTestDemo } from '../helpers/connector-demo.ts';

describe('the connector page of a linked organization (browser)', () => {
  let demo: Awaited<ReturnType<typeof startTestDemo>>;
  let browser: Browser;
  let page: Page;
  let organizationId: string;

  before(async () => {
    demo = await startTestDemo();
    browser = await launchBrowser();
    page = await (await browser.newContext()).newPage();
    await linkDemoBakery(page, demo);
    const organization = await demo.connector.repositories.organizations.findByGroup(
      'sandbox',
      DEMO_GROUPS.bakery,
    );
    organizationId = organization!.id;
  });
  after(async () => {
    await browser?.close();
    await demo?.close();
  });

  it('offers "Synchronize now" and says when the next automatic synchronization is due', async () => {
    await page.reload();
    const button = page.getByRole('button', { name: 'Synchronize now' });
    assert.ok(await button.isEnabled());
    const next = page.locator('[data-next-sync]');
    assert.match(
      (await next.textContent())?.trim() ?? '',
      /^Next automatic synchronization (due now|in \d+ minutes? \(\d{4}-\d\d-\d\d \d\d:\d\d C[SD]T\))\.$/,
    );
  });

  it('disables the button with "Running…" while a run goes on, and offers it again once it ended', async () => {
    const runs = demo.connector.repositories.syncRuns;
    const run = await runs.start(organizationId, 'schedule');
    await page.reload();
    const running = page.getByRole('button', { name: 'Running…' });
    assert.ok(await running.isDisabled(), 'the button cannot be pressed during a run');
    assert.equal(await page.getByRole('button', { name: 'Synchronize now' }).count(), 0);
    assert.equal(await page.locator('[data-next-sync]').count(), 0, 'no next time while one runs');

    await runs.finish(run.id, { status: 'succeeded', counts: emptyCounts(), ccCalls: 1, moreWork: false });
    // The live part sees the run end and reloads the page.
    await page.getByRole('button', { name: 'Synchronize now' }).waitFor({ timeout: 10_000 });
    assert.ok(await page.getByRole('button', { name: 'Synchronize now' }).isEnabled());
  });

  it('retries a failed record from its row, filters the list by reason, and downloads it as CSV', async () => {
    const { idMaps } = demo.connector.repositories;
    await idMaps.exclude({
      organizationId,
      hubCollection: 'people',
      hubId: 'p-no-email',
      email: null,
      reason: 'The record has no email',
      hubHash: 'h',
    });
    await idMaps.recordFailure({
      organizationId,
      hubCollection: 'people',
      key: { hubId: 'p-refused' },
      email: 'refused@example.com',
      reason: 'Constant Contact refused it: invalid phone',
    });
    await page.reload();
    const notShared = page.locator('#not-shared');
    await notShared.getByLabel('Reason').selectOption('Constant Contact refused it: invalid phone');
    await notShared.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/reason=/);
    const rows = page.locator('#not-shared-table tbody tr');
    assert.equal(await rows.count(), 1);
    assert.match((await rows.first().textContent()) ?? '', /refused@example\.com/);

    const download = page.waitForEvent('download');
    await notShared.getByRole('link', { name: 'Download as CSV' }).click();
    const file = await (await download).path();
    const { readFileSync } = await import('node:fs');
    const csv = readFileSync(file, 'utf8');
    assert.match(csv, /^"Email","In Connec!"/);
    assert.match(csv, /"refused@example\.com","Person","p-refused"/);
    assert.doesNotMatch(csv, /no email/, 'only the reason chosen');

    await rows
      .first()
      .getByRole('button', { name: /^Retry/ })
      .click();
    await page.waitForURL(/notice=retry_requested/);
    // The retry runs at once: the record is tried again (and, gone from Connec!, fails again).
    const deadline = Date.now() + 15_000;
    for (;;) {
      const map = await idMaps.findByHub(organizationId, 'people', 'p-refused');
      if (map && map.attempts >= 2) break;
      assert.ok(Date.now() < deadline, 'the record was tried again');
      await new Promise((r) => setTimeout(r, 200));
    }
  });
});
