import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEMO_GROUPS } from '../../sandbox/demo-seed.ts';
import {
  authorizeAtConstantContact,
  launchBrowser,
  launchConnector,
  signInToDashboard,
  waitForSettledConnectorPage,
} from '../helpers/browser.ts';
import { startTestDemo } from '../helpers/connector-demo.ts';

// One Constant Contact account, two organizations of one owner: CC expires the first grant's refresh token
// when the second is made, so the connector asks before it happens and the first organization says why it
// stopped.
describe('connecting a Constant Contact account already connected to another organization (browser)', () => {
  let demo: Awaited<ReturnType<typeof startTestDemo>>;
  let browser: Browser;
  let page: Page;
  let dashboardUrl: string;

  const organization = async (group: string) => {
    const found = await demo.connector.repositories.organizations.findByGroup('sandbox', group);
    assert.ok(found, `organization ${group} exists`);
    return found;
  };

  const connect = async (organizationName: string) => {
    await page.goto(dashboardUrl);
    await launchConnector(page, organizationName);
    await page.waitForURL(`${demo.connectorUrl}/organizations/**`);
    await page.getByRole('button', { name: 'Connect to Constant Contact' }).click();
    await authorizeAtConstantContact(page);
  };

  before(async () => {
    demo = await startTestDemo();
    browser = await launchBrowser();
    dashboardUrl = demo.platform.tenant('sandbox').dashboardUrl;
    page = await (await browser.newContext()).newPage();
    await signInToDashboard(page, dashboardUrl, 'alice@sandbox.example', 'alice-password');
    await connect('Demo Bakery');
    await page.getByRole('cell', { name: 'First connection' }).waitFor({ timeout: 20_000 });
  });
  after(async () => {
    await browser?.close();
    await demo?.close();
  });

  it('asks first, naming the organization that holds the account; Cancel leaves both as they were', async () => {
    await connect('Demo Bikes');
    await page.getByRole('heading', { name: 'Move this Constant Contact account?' }).waitFor();
    assert.equal(await page.locator('[data-other-organization]').first().textContent(), 'Demo Bakery');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.waitForURL(`${demo.connectorUrl}/organizations/**`);
    assert.equal((await organization(DEMO_GROUPS.bikes)).ccAccount, null);
    const bakery = await organization(DEMO_GROUPS.bakery);
    assert.equal(bakery.ccAccount?.id, 'a07e1sandbox1');
    assert.equal(bakery.needsReconnect, null, 'the holder keeps sharing with the fresh authorization');
  });

  it('on Confirm, moves the account; the earlier organization shows it must reconnect, and why', async () => {
    await connect('Demo Bikes');
    await page.getByRole('button', { name: 'Connect here and disconnect it there' }).click();
    await page.waitForURL(`${demo.connectorUrl}/organizations/**`);
    assert.match(
      (await page.getByRole('status').first().textContent()) ?? '',
      /Constant Contact is connected/,
    );
    assert.equal((await organization(DEMO_GROUPS.bikes)).ccAccount?.id, 'a07e1sandbox1');
    await waitForSettledConnectorPage(page);

    await page.goto(dashboardUrl);
    await launchConnector(page, 'Demo Bakery');
    await page.waitForURL(`${demo.connectorUrl}/organizations/**`);
    const alert = page.locator('[data-needs-reconnect]');
    assert.match((await alert.textContent()) ?? '', /was linked to organization "Demo Bikes"/);
    assert.match((await alert.textContent()) ?? '', /reconnect to share again/);
    assert.ok(await page.getByRole('button', { name: 'Reconnect to Constant Contact' }).isVisible());
  });
});
