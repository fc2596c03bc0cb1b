import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's chromium, headless; never a downloaded browser. One per test file, reused by its tests. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Signs in to the platform dashboard in a fresh page. */
export async function signInToDashboard(page: Page, dashboardUrl: string, email: string, password: string) {
  await page.goto(dashboardUrl);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/dashboard$/);
}

/** Clicks Launch for the organization named `name` on the dashboard. */
export async function launchConnector(page: Page, organizationName: string) {
  const section = page.locator('section', { has: page.getByRole('heading', { name: organizationName }) });
  await section.getByRole('button', { name: 'Launch Constant Contact connector' }).click();
}

export const DEMO_CC_LOGIN = { username: 'owner@demo-bakery.example', password: 'cc-demo-password' };

/** On CC's authorize page: signs in (when asked) and answers the consent screen. */
export async function authorizeAtConstantContact(
  page: Page,
  options: { username?: string; password?: string; decision?: 'Allow access' | 'Deny' } = {},
) {
  const login = page.getByRole('button', { name: 'Log in' });
  const allow = page.getByRole('button', { name: 'Allow access' });
  await login.or(allow).first().waitFor();
  if (await login.isVisible()) {
    await page.getByLabel('Username').fill(options.username ?? DEMO_CC_LOGIN.username);
    await page.getByLabel('Password').fill(options.password ?? DEMO_CC_LOGIN.password);
    await login.click();
    if (options.password && options.password !== DEMO_CC_LOGIN.password) return;
  }
  await page.getByRole('button', { name: options.decision ?? 'Allow access' }).click();
}

/**
 * Waits until the connector page shows no run in progress and will not reload itself. When a run it follows
 * ends, the page reloads (HX-Refresh), which would interrupt a navigation the test starts meanwhile.
 */
export async function waitForSettledConnectorPage(page: Page, timeoutMs = 20_000): Promise<void> {
  await page.waitForFunction(
    () => {
      // Runs in the page; the project's types have no DOM, so the little used here is described.
      const { document } = globalThis as unknown as {
        document: {
          readyState: string;
          querySelector(selector: string): { hasAttribute(name: string): boolean } | null;
        };
      };
      const progress = document.querySelector('#sync-progress');
      return document.readyState === 'complete' && progress !== null && !progress.hasAttribute('hx-get');
    },
    undefined,
    { timeout: timeoutMs, polling: 200 },
  );
}

/** A demo running (the platform and Constant Contact emulators and the connector). */
interface DemoParts {
  platform: { tenant(id: string): { dashboardUrl: string } };
}

/** As Alice: signs in to the demo dashboard and launches the connector for Demo Bakery. */
export async function openDemoBakery(page: Page, demo: DemoParts): Promise<void> {
  await signInToDashboard(
    page,
    demo.platform.tenant('sandbox').dashboardUrl,
    'alice@sandbox.example',
    'alice-password',
  );
  await launchConnector(page, 'Demo Bakery');
}

/**
 * As Alice: opens Demo Bakery's connector page, connects it to Constant Contact with its demo login and
 * waits for the first run to show in the history.
 */
export async function linkDemoBakery(page: Page, demo: DemoParts): Promise<void> {
  await openDemoBakery(page, demo);
  await connectOpenOrganization(page);
}

/**
 * On the connector page of an organization not linked yet: connects it with Demo Bakery's Constant Contact
 * login and waits for the first run to show in the history.
 */
export async function connectOpenOrganization(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Connect to Constant Contact' }).click();
  await authorizeAtConstantContact(page);
  await page.waitForURL(/notice=linked/);
  await page.getByRole('cell', { name: 'First connection' }).waitFor({ timeout: 20_000 });
}
