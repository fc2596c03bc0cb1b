import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEMO_GROUPS } from '../../sandbox/demo-seed.ts';
import type { Organization } from '../../src/model/organization.ts';
import {
  authorizeAtConstantContact,
  launchBrowser,
  launchConnector,
  signInToDashboard,
  waitForSettledConnectorPage,
} from '../helpers/browser.ts';
import { startTestDemo } from '../helpers/connector-demo.ts';

type TestDemo = Awaited<ReturnType<typeof startTestDemo>>;

async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

// Data sharing seen from the browser, on the one-command demo: Alice links Demo Bakery, then changes made
// in other apps and in Constant Contact travel across, and deleting the organization stops it.
describe('sharing data through the connector (browser)', () => {
  let demo: TestDemo;
  let browser: Browser;
  let page: Page;
  let organization: Organization;
  let connectorPage: string;
  const xero = () => demo.platform.actAs('Xero', DEMO_GROUPS.bakery);
  const ccAccount = () => demo.cc.accounts.get('a07e1sandbox1');

  const synchronizeNow = async () => {
    await page.goto(connectorPage);
    const before = (await demo.connector.repositories.syncRuns.listRecent(organization.id)).length;
    await page.getByRole('button', { name: 'Synchronize now' }).click();
    await page.waitForURL(/notice=sync_requested/);
    await eventually('the run to finish', async () => {
      const runs = await demo.connector.repositories.syncRuns.listRecent(organization.id);
      return runs.length > before && runs.every((r) => r.status !== 'running');
    });
    await waitForSettledConnectorPage(page);
  };

  before(async () => {
    demo = await startTestDemo();
    browser = await launchBrowser();
    page = await browser.newPage();
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
    connectorPage = page.url().split('?')[0]!;
    organization = (await demo.connector.repositories.organizations.findByGroup(
      'sandbox',
      DEMO_GROUPS.bakery,
    ))!;
    await eventually('the first run to finish', async () => {
      const runs = await demo.connector.repositories.syncRuns.listRecent(organization.id);
      return runs.length > 0 && runs.every((r) => r.status !== 'running');
    });
    await waitForSettledConnectorPage(page);
  });
  after(async () => {
    await browser?.close();
    await demo?.close();
  });

  it('lists the person without an email as not shared, with the reason', async () => {
    await page.goto(connectorPage);
    const row = page.locator('#not-shared tr', { hasText: 'Nora Noemail' });
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /no email/);
  });

  it('a customer created in another app appears in "Customer list" of the CC app after "Synchronize now"', async () => {
    xero().create('people', {
      first_name: 'Quinn',
      last_name: 'Newcustomer',
      email: { address: 'quinn.newcustomer@example.com' },
      is_customer: true,
    });
    await synchronizeNow();
    await page.goto(`${demo.cc.url}/app`);
    const customers = page.locator('section', { has: page.getByRole('heading', { name: /^Customer list/ }) });
    assert.match((await customers.textContent()) ?? '', /quinn\.newcustomer@example\.com/);
    // And the connector page lists it as shared, searchable by email.
    await page.goto(`${connectorPage}?q=quinn`);
    assert.match((await page.locator('#shared tbody').textContent()) ?? '', /Quinn Newcustomer/);
  });

  it('a contact created in Constant Contact becomes a customer in the hub', async () => {
    ccAccount().createContactAsUser({
      email: 'rita.fromcc@example.com',
      first_name: 'Rita',
      last_name: 'Fromcc',
    });
    await synchronizeNow();
    const person = demo.platform
      .records(DEMO_GROUPS.bakery, 'people')
      .find((p) => (p.email as { address?: string } | undefined)?.address === 'rita.fromcc@example.com');
    assert.ok(person, 'the contact reached the hub');
    assert.equal(person.is_customer, true);
  });

  it('deleting the organization in the dashboard stops sharing for good', async () => {
    await page.goto(demo.platform.tenant('sandbox').dashboardUrl);
    page.once('dialog', (dialog) => void dialog.accept());
    const section = page.locator('section', { has: page.getByRole('heading', { name: /Demo Bakery/ }) });
    await section.getByRole('button', { name: 'Delete organization' }).click();
    await page.waitForURL(/\/dashboard$/);
    await eventually(
      'the connector to mark it deleted',
      async () => (await demo.connector.repositories.organizations.get(organization.id)).deletedAt,
    );
    const deleted = await demo.connector.repositories.organizations.get(organization.id);
    assert.equal(deleted.ccAccount, null);
    assert.equal(await demo.connector.repositories.organizations.getTokens(organization.id), null);

    const runsBefore = (await demo.connector.repositories.syncRuns.listRecent(organization.id)).length;
    // The platform's hub no longer takes writes for the group; a change notified late (as Connec! may
    // still send one) is acknowledged and dropped, and nothing reaches Constant Contact.
    const tenant = demo.platform.tenant('sandbox');
    const notified = await fetch(`${demo.connectorUrl}/maestrano/connec/notifications/sandbox`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`${tenant.apiId}:${tenant.apiKey}`).toString('base64')}`,
      },
      body: JSON.stringify({
        people: [
          {
            id: [{ id: 'late-1', provider: 'connec', realm: DEMO_GROUPS.bakery }],
            group_id: DEMO_GROUPS.bakery,
            first_name: 'Late',
            last_name: 'Arrival',
            email: { address: 'late.arrival@example.com' },
            is_customer: true,
          },
        ],
      }),
    });
    assert.equal(notified.status, 202);
    await demo.platform.settleDeliveries();
    await new Promise((r) => setTimeout(r, 500));
    await demo.connector.sync.scheduler?.idle();
    assert.equal((await demo.connector.repositories.syncRuns.listRecent(organization.id)).length, runsBefore);
    assert.ok(
      !ccAccount()
        .contacts()
        .some((c) => c.email_address?.address === 'late.arrival@example.com'),
    );
    // The connector page is gone for its members too, and says why.
    const response = await page.goto(connectorPage);
    assert.equal(response?.status(), 410);
    assert.ok(await page.getByText('This organization was deleted on the platform').isVisible());
  });
});
