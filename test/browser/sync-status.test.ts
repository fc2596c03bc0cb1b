import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEMO_GROUPS } from '../../sandbox/demo-seed.ts';
import { emptyCounts } from '../../src/model/sync-run.ts';
import {
  authorizeAtConstantContact,
  launchBrowser,
  launchConnector,
  signInToDashboard,
} from '../helpers/browser.ts';
import { startTestDemo } from '../helpers/connector-demo.ts';

describe('the synchronization card while a run goes on (browser)', () => {
  let demo: Awaited<ReturnType<typeof startTestDemo>>;
  let browser: Browser;
  let page: Page;
  let organizationId: string;

  before(async () => {
    demo = await startTestDemo();
    browser = await launchBrowser();
    page = await (await browser.newContext()).newPage();
    await signInToDashboard(
      page,
      demo.platform.tenant('sandbox').dashboardUrl,
      'alice@sandbox.example',
      'alice-password',
    );
    await launchConnector(page, 'Demo Bakery');
    await page.getByRole('button', { name: 'Connect to Constant Contact' }).click();
    await authorizeAtConstantContact(page);
    await page.waitForURL(/notice=linked/);
    await page.getByRole('cell', { name: 'First connection' }).waitFor({ timeout: 20_000 });
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
      /^Next automatic synchronization (due now|in \d+ minutes? \(\d{4}-\d\d-\d\d \d\d:\d\d UTC\))\.$/,
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
});
