import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEMO_GROUPS } from '../../sandbox/demo-seed.ts';
import { launchBrowser, linkDemoBakery, waitForSettledConnectorPage } from '../helpers/browser.ts';
import {
  PAT_EMAIL as EMAIL,
  shareOneContactFromTwoRecords,
  startTestDemo,
} from '../helpers/connector-demo.ts';

// A person and the customer organization she runs share one email, so one Constant Contact contact: the
// connector page lists that contact once, with both records behind it, and says what each count counts.
describe('a contact shared by two Connec! records, on the connector page (browser)', () => {
  let demo: Awaited<ReturnType<typeof startTestDemo>>;
  let browser: Browser;
  let page: Page;
  let connectorPage: string;

  before(async () => {
    demo = await startTestDemo();
    browser = await launchBrowser();
    page = await (await browser.newContext()).newPage();
    await linkDemoBakery(page, demo);
    await waitForSettledConnectorPage(page);
    connectorPage = page.url().split('?')[0]!;
    const [person, organization] = await shareOneContactFromTwoRecords(demo);
    assert.equal(person!.ccContactId, organization!.ccContactId, 'one contact for both');
    // Once the run has ended, the page no longer follows it (and reloads no more).
    await waitForSettledConnectorPage(page);
    await page.goto(connectorPage);
    await waitForSettledConnectorPage(page);
  });
  after(async () => {
    await browser?.close();
    await demo?.close();
  });

  it('lists the contact once, with the person and the organization behind it', async () => {
    await page.goto(connectorPage);
    const rows = page.locator('#shared-table tbody tr', { hasText: EMAIL });
    assert.equal(await rows.count(), 1, 'one row for the contact');
    const row = rows.first();
    assert.equal((await row.locator('td[data-label="Contact"]').textContent())?.trim(), 'Pat Partner');
    const records = row.locator('td[data-label="From Connec!"] li');
    assert.deepEqual(await records.allTextContents(), [
      'Person (customer): Pat Partner',
      "Organization (customer): Pat's Pantry",
    ]);
    assert.match(
      (await row.locator('td[data-label="Constant Contact lists"]').textContent()) ?? '',
      /Customer list/,
    );
  });

  it('says what each count counts: contacts shared, the Connec! records behind them, records not shared', async () => {
    const { organizations, sharedContacts } = demo.connector.repositories;
    const organization = (await organizations.findByGroup('sandbox', DEMO_GROUPS.bakery))!;
    const { shared, notShared } = await sharedContacts.counts(organization.id);
    assert.equal(shared.records - shared.contacts, 1, 'Pat is the one contact shared by two records');
    await page.goto(connectorPage);
    assert.equal(
      await page.locator('[data-count="shared"]').textContent(),
      `${shared.contacts} contacts, from ${shared.records} Connec! records, and the company profile`,
    );
    assert.equal(
      await page.locator('[data-count="not-shared"]').textContent(),
      `${notShared.records} Connec! records`,
    );
    assert.equal(
      await page.locator('[data-shared-count]').textContent(),
      `${shared.contacts} contacts shared, from ${shared.records} Connec! records.`,
    );
    assert.equal(
      await page.getByRole('heading', { name: 'Connec! records not shared' }).count(),
      1,
      'the "Not shared" list says it lists Connec! records',
    );

    await page.getByLabel('Search by email').fill('PAT@cornercafe');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/q=/);
    assert.equal(
      await page.locator('[data-shared-count]').textContent(),
      '1 contact matches, from 2 Connec! records.',
    );
    assert.equal(await page.locator('#shared-table tbody tr').count(), 1);
  });

  it("leads to each record's page, which names the other record sharing its contact", async () => {
    await page.goto(`${connectorPage}?q=${encodeURIComponent(EMAIL)}`);
    await page.locator('#shared-table').getByRole('link', { name: 'Pat Partner' }).click();
    await page.getByRole('heading', { name: 'Pat Partner' }).waitFor();
    const also = page.locator('[data-also-shared]');
    assert.equal(
      (await also.textContent())?.trim(),
      "This contact is also shared from: Pat's Pantry (Organization).",
    );
    await also.getByRole('link', { name: "Pat's Pantry" }).click();
    await page.getByRole('heading', { name: "Pat's Pantry" }).waitFor();
    assert.equal(
      (await page.locator('[data-also-shared]').textContent())?.trim(),
      'This contact is also shared from: Pat Partner (Person).',
    );
  });

  it('reads on a phone: the row stacks its cells, nothing wider than the screen', async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      storageState: await page.context().storageState(),
    });
    const phone = await context.newPage();
    await phone.goto(`${connectorPage}?q=${encodeURIComponent(EMAIL)}`);
    const row = phone.locator('#shared-table tbody tr').first();
    assert.equal(await row.evaluate((el) => getComputedStyle(el).display), 'block');
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${overflow}px wider than the screen`);
    await context.close();
  });
});
