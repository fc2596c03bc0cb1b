import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_GROUPS } from '../../sandbox/demo-seed.ts';
import { MAPPINGS } from '../../src/mapping/registry.ts';
import {
  authorizeAtConstantContact,
  launchBrowser,
  launchConnector,
  signInToDashboard,
} from '../helpers/browser.ts';
import { startTestDemo } from '../helpers/connector-demo.ts';

type TestDemo = Awaited<ReturnType<typeof startTestDemo>>;

// The four "Connector launch" scenarios of the test plan, in the order a user meets them, against the
// one-command demo. They share one organization, so they run in sequence.
describe('launching the connector from the dashboard (browser)', () => {
  let demo: TestDemo;
  let browser: Browser;
  let alice: BrowserContext;
  let page: Page;
  let dashboardUrl: string;

  before(async () => {
    demo = await startTestDemo();
    browser = await launchBrowser();
    dashboardUrl = demo.platform.tenant('sandbox').dashboardUrl;
    alice = await browser.newContext();
    page = await alice.newPage();
    await signInToDashboard(page, dashboardUrl, 'alice@sandbox.example', 'alice-password');
  });
  after(async () => {
    await browser?.close();
    await demo?.close();
  });

  const bakery = async () => {
    const organization = await demo.connector.repositories.organizations.findByGroup(
      'sandbox',
      DEMO_GROUPS.bakery,
    );
    assert.ok(organization, 'the launch created the organization');
    return organization;
  };

  it('1. a connector not linked yet opens on the connector page', async () => {
    await launchConnector(page, 'Demo Bakery');
    await page.waitForURL(`${demo.connectorUrl}/organizations/**`);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Demo Bakery');
    assert.ok(await page.getByText('Not connected to Constant Contact').isVisible());
    assert.ok(await page.getByRole('button', { name: 'Connect to Constant Contact' }).isVisible());
    assert.equal((await bakery()).ccAccount, null);
  });

  it('3. incorrect Constant Contact credentials bring the user back with a message saying so', async () => {
    await page.getByRole('button', { name: 'Connect to Constant Contact' }).click();
    await page.waitForURL(`${demo.cc.url}/oauth2/default/v1/authorize?**`);
    const url = new URL(page.url());
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256', 'PKCE is used');
    assert.ok(url.searchParams.get('state'));
    await authorizeAtConstantContact(page, { password: 'not-the-password' });
    await page.waitForURL(`${demo.connectorUrl}/organizations/**`);
    const alert = page.getByRole('alert');
    assert.match((await alert.textContent()) ?? '', /Constant Contact credentials were incorrect/);
    assert.match((await alert.textContent()) ?? '', /sign in again/);
    assert.equal((await bakery()).ccAccount, null);
  });

  it('a declined consent gets its own message', async () => {
    await page.getByRole('button', { name: 'Connect to Constant Contact' }).click();
    await authorizeAtConstantContact(page, { decision: 'Deny' });
    await page.waitForURL(`${demo.connectorUrl}/organizations/**`);
    assert.match(
      (await page.getByRole('alert').textContent()) ?? '',
      /Access was not allowed on the Constant Contact consent screen/,
    );
    assert.equal((await bakery()).ccAccount, null);
  });

  it('2. correct credentials link the account and land on the connector page with the first sync started', async () => {
    await page.getByRole('button', { name: 'Connect to Constant Contact' }).click();
    await authorizeAtConstantContact(page);
    await page.waitForURL(`${demo.connectorUrl}/organizations/**`);
    assert.match(
      (await page.getByRole('status').first().textContent()) ?? '',
      /Constant Contact is connected/,
    );
    assert.equal(await page.locator('[data-cc-account]').textContent(), 'Demo Bakery');
    const organization = await bakery();
    assert.equal(organization.ccAccount?.id, 'a07e1sandbox1');
    const runs = await demo.connector.repositories.syncRuns.listRecent(organization.id);
    assert.equal(runs.at(-1)?.trigger, 'first_link', 'the first sync was requested');
    const audit = await demo.connector.repositories.auditLog.listForOrganization(organization.id);
    assert.ok(audit.some((e) => e.event === 'organization.linked'));
    // The live part follows the run and the page reloads once it is done: the history shows it.
    await page.getByRole('cell', { name: 'First connection' }).waitFor({ timeout: 20_000 });
  });

  it("4. launching a linked connector opens Constant Contact's app; the connector page stays a link away", async () => {
    // The connector page left open by the previous case reloads itself when a later run ends: a page of
    // its own keeps that reload from landing in the middle of this case.
    await page.close();
    page = await alice.newPage();
    await page.goto(dashboardUrl);
    await launchConnector(page, 'Demo Bakery');
    await page.waitForURL(`${demo.cc.url}/app`);
    assert.ok(await page.getByText('Signed in as').isVisible(), "CC's app, signed in from the authorization");
    await page.goto(`${demo.connectorUrl}/`);
    await page
      .getByRole('listitem')
      .filter({ hasText: 'Demo Bakery' })
      .getByRole('link', { name: 'Settings' })
      .click();
    await page.waitForURL(`${demo.connectorUrl}/organizations/**`);
    assert.ok(await page.getByText('Connected to Constant Contact').isVisible());
    // The launch URL with to=settings opens the page directly, linked or not.
    await page.goto(
      `${demo.connectorUrl}/maestrano/auth/saml/init/sandbox?group_id=${DEMO_GROUPS.bakery}&to=settings`,
    );
    await page.waitForURL(`${demo.connectorUrl}/organizations/**`);
  });

  it('a member who is not an admin sees the settings read-only and cannot change them', async () => {
    const bob = await browser.newContext();
    try {
      const bobPage = await bob.newPage();
      await signInToDashboard(bobPage, dashboardUrl, 'bob@sandbox.example', 'bob-password');
      await bobPage.goto(
        `${demo.connectorUrl}/maestrano/auth/saml/init/sandbox?group_id=${DEMO_GROUPS.bakery}&to=settings`,
      );
      await bobPage.waitForURL(`${demo.connectorUrl}/organizations/**`);
      assert.match((await bobPage.locator('.sub').textContent()) ?? '', /you are Member/);
      assert.ok(
        await bobPage
          .getByText('Only an Admin or Super Admin of this organization can change these settings')
          .isVisible(),
      );
      assert.equal(await bobPage.getByRole('button', { name: 'Save settings' }).count(), 0);
      assert.ok(await bobPage.getByLabel('People').isDisabled());
      assert.equal(await bobPage.getByRole('button', { name: 'Disconnect' }).count(), 0);
      // Posting the form anyway, with a valid session and CSRF token, is refused.
      const csrf = await bobPage.locator('input[name=_csrf]').first().inputValue();
      const response = await bobPage.request.post(`${bobPage.url().split('?')[0]}/settings`, {
        form: {
          _csrf: csrf,
          direction_people: 'off',
          direction_organizations: 'both',
          direction_employees: 'hub_to_cc',
          direction_company: 'both',
          conflict_winner: 'cc',
        },
      });
      assert.equal(response.status(), 403);
      const kept = await bakery();
      assert.equal(MAPPINGS.directionOf(kept.settings.directions, 'people'), 'both');
      assert.equal(kept.settings.conflictWinner, 'newest', 'nothing of the form was saved');
    } finally {
      await bob.close();
    }
  });
});
