import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { DEMO_GROUPS } from '../../sandbox/demo-seed.ts';
import {
  authorizeAtConstantContact,
  launchBrowser,
  launchConnector,
  signInToDashboard,
} from '../helpers/browser.ts';
import { startTestDemo } from '../helpers/connector-demo.ts';

async function eventually<T>(what: string, probe: () => Promise<T | undefined | null | false>): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

// Each demo organization has its own Constant Contact account: Alice links Demo Bakery and Demo Bikes,
// each signing in to CC with its own login, and both share at once, nothing moved between them.
describe('the demo organizations, each linked to its own Constant Contact account (browser)', () => {
  let demo: Awaited<ReturnType<typeof startTestDemo>>;
  let browser: Browser;

  const organization = async (group: string) => {
    const found = await demo.connector.repositories.organizations.findByGroup('sandbox', group);
    assert.ok(found, `organization ${group} exists`);
    return found;
  };

  /** In a fresh browser session (no CC sign-in carried over), links the organization with that CC login. */
  const link = async (organizationName: string, ccUsername: string) => {
    const page = await (await browser.newContext()).newPage();
    const dashboardUrl = demo.platform.tenant('sandbox').dashboardUrl;
    await signInToDashboard(page, dashboardUrl, 'alice@sandbox.example', 'alice-password');
    await launchConnector(page, organizationName);
    await page.waitForURL(`${demo.connectorUrl}/organizations/**`);
    await page.getByRole('button', { name: 'Connect to Constant Contact' }).click();
    await authorizeAtConstantContact(page, { username: ccUsername });
    await page.waitForURL(/notice=linked/);
    return page;
  };

  const firstRunDone = async (group: string) => {
    const { id } = await organization(group);
    await eventually(`the first run of ${group}`, async () => {
      const runs = await demo.connector.repositories.syncRuns.listRecent(id);
      return runs.length > 0 && runs.every((r) => r.status !== 'running') && runs;
    });
  };

  /** Emails of the members of the account's list `listName`, in lower case. */
  const membersOf = (accountId: string, listName: string) => {
    const account = demo.cc.accounts.get(accountId);
    const list = account.findListByName(listName);
    if (!list) return [];
    return account
      .contacts()
      .filter((c) => c.list_memberships?.includes(list.list_id))
      .map((c) => c.email_address?.address.toLowerCase());
  };

  before(async () => {
    demo = await startTestDemo();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await demo?.close();
  });

  it('links both without asking to move an account, and syncs each into its own lists', async () => {
    const bakeryLogin = demo.seed.logins.constantContact.find((l) => l.organization === 'Demo Bakery')!;
    const bikesLogin = demo.seed.logins.constantContact.find((l) => l.organization === 'Demo Bikes')!;
    assert.notEqual(bakeryLogin.accountId, bikesLogin.accountId);

    await link('Demo Bakery', bakeryLogin.username);
    const bikesPage = await link('Demo Bikes', bikesLogin.username);
    assert.match(
      (await bikesPage.getByRole('status').first().textContent()) ?? '',
      /Constant Contact is connected/,
    );
    assert.equal(
      await bikesPage.getByRole('heading', { name: 'Move this Constant Contact account?' }).count(),
      0,
    );

    const bakery = await organization(DEMO_GROUPS.bakery);
    const bikes = await organization(DEMO_GROUPS.bikes);
    assert.equal(bakery.ccAccount?.id, bakeryLogin.accountId);
    assert.equal(bikes.ccAccount?.id, bikesLogin.accountId);
    assert.equal(bakery.needsReconnect, null, 'the bakery keeps sharing');
    assert.equal(bikes.needsReconnect, null);

    await firstRunDone(DEMO_GROUPS.bakery);
    await firstRunDone(DEMO_GROUPS.bikes);

    // Records on both sides are matched on the first link and linked, each to its own account's contact,
    // as each side holds it: historical data is not shared, so no list is joined and no value rewritten.
    const linkedEmails = async (group: string, accountId: string) => {
      const { id } = await organization(group);
      const linked = await demo.connector.repositories.idMaps.page(id, {
        states: ['linked'],
        limit: 100,
        offset: 0,
      });
      const account = demo.cc.accounts.get(accountId);
      return linked.items
        .filter((m) => m.hubCollection !== 'company')
        .map((m) => {
          const contact = account.contacts().find((c) => c.contact_id === m.ccContactId);
          assert.ok(contact, `${m.email} is linked to a contact of its own organization's account`);
          return m.email;
        });
    };
    const bakeryLinked = await linkedEmails(DEMO_GROUPS.bakery, bakeryLogin.accountId);
    const bikesLinked = await linkedEmails(DEMO_GROUPS.bikes, bikesLogin.accountId);
    assert.ok(bakeryLinked.includes('ada.baker@example.com'), `bakery: ${bakeryLinked}`);
    assert.ok(bikesLinked.includes('farid.gupta@example.com'), `bikes: ${bikesLinked}`);
    assert.ok(bikesLinked.includes('contact@chainworks.example.com'), `bikes: ${bikesLinked}`);
    assert.ok(!bakeryLinked.includes('farid.gupta@example.com'));
    assert.ok(!bikesLinked.includes('ada.baker@example.com'));
    assert.deepEqual(membersOf(bakeryLogin.accountId, 'Customer list'), [], 'no list joined');
    const ada = demo.cc.accounts.get(bakeryLogin.accountId).contact('ada.baker@example.com');
    assert.equal(ada?.email_address?.address, 'Ada.Baker@Example.com', "CC's spelling of the email is kept");
  });
});
