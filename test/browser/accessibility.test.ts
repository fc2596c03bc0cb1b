import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEMO_GROUPS } from '../../sandbox/demo-seed.ts';
import { launchBrowser, linkDemoBakery, waitForSettledConnectorPage } from '../helpers/browser.ts';
import { shareOneContactFromTwoRecords, startTestDemo } from '../helpers/connector-demo.ts';

const AXE_SOURCE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[] }>;
}

/** axe-core's serious and critical violations on the page as it is now. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE_SOURCE });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: () => Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run()).violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`,
    );
}

// Every page of the connector, checked with axe-core at desktop and phone width: no serious or critical
// violation, and nothing wider than the screen.
describe('accessibility of the connector pages (browser)', () => {
  let demo: Awaited<ReturnType<typeof startTestDemo>>;
  let browser: Browser;
  let pages: Array<[string, string]>;

  before(async () => {
    demo = await startTestDemo();
    browser = await launchBrowser();
    const context = await browser.newContext();
    const page = await context.newPage();
    await linkDemoBakery(page, demo);
    // A contact shared by two records: the page lists it with both, and each record's page names the other.
    const [person] = await shareOneContactFromTwoRecords(demo);
    await waitForSettledConnectorPage(page);
    const { repositories } = demo.connector;
    const organization = (await repositories.organizations.findByGroup('sandbox', DEMO_GROUPS.bakery))!;
    const base = `${demo.connectorUrl}/organizations/${organization.id}`;
    pages = [
      ['your organizations', `${demo.connectorUrl}/`],
      ['the connector page', base],
      ['a record', `${base}/records/${person!.id}`],
      ['what maps to what', `${base}/mapping`],
      ['historical data', `${base}/historical`],
      ['signed out', `${demo.connectorUrl}/signed-out/sandbox`],
    ];
    // The same session for each width: the cookies of the signed-in context.
    storage = await context.storageState();
    await context.close();
  });
  let storage: Awaited<ReturnType<Awaited<ReturnType<Browser['newContext']>>['storageState']>>;
  after(async () => {
    await browser?.close();
    await demo?.close();
  });

  for (const [width, height] of [
    [1280, 900],
    [390, 844],
  ] as const) {
    it(`has no serious or critical violation on any page at ${width} px`, async () => {
      // axe is injected as a script, which the pages' CSP rightly refuses: the test context bypasses it.
      const context = await browser.newContext({
        viewport: { width, height },
        storageState: storage,
        bypassCSP: true,
      });
      const page = await context.newPage();
      const found: string[] = [];
      for (const [name, url] of pages) {
        const response = await page.goto(url);
        assert.ok(response && response.status() < 400, `${name}: ${response?.status()}`);
        await page.waitForLoadState('networkidle');
        for (const violation of await seriousViolations(page)) found.push(`${name}: ${violation}`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (overflow > 0) found.push(`${name}: ${overflow}px wider than the screen`);
      }
      await context.close();
      assert.deepEqual(found, []);
    });
  }

  it("works with the keyboard alone: the page's controls are reached with Tab, in order, and show focus", async () => {
    const context = await browser.newContext({ storageState: storage });
    const page = await context.newPage();
    await page.goto(pages[1]![1]);
    const reached: string[] = [];
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        if (!el || el === document.body) return null;
        const style = getComputedStyle(el);
        const visible = style.outlineStyle !== 'none' || style.boxShadow !== 'none';
        return { text: (el.textContent ?? el.getAttribute('aria-label') ?? '').trim(), visible };
      });
      if (!focused) continue;
      assert.ok(focused.visible, `focus is visible on "${focused.text}"`);
      reached.push(focused.text);
    }
    assert.ok(
      reached[0]?.startsWith('Skip to content'),
      `the first stop skips to the content (${reached[0]})`,
    );
    const at = (label: string) => reached.findIndex((t) => t.startsWith(label));
    // The header, then the account card, then the synchronization card.
    assert.ok(
      at('Sign out') < at('Disconnect') && at('Disconnect') < at('Synchronize now'),
      `in reading order: ${reached.slice(0, 12).join(' | ')}`,
    );
    for (const control of ['Skip to content', 'Sign out', 'Synchronize now', 'Disconnect']) {
      assert.ok(
        reached.some((t) => t.startsWith(control)),
        `${control} is reached with Tab (${reached.slice(0, 12).join(' | ')})`,
      );
    }
    await context.close();
  });
});
