import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { COMPANY_FIELD_PLACES } from '../../src/mapping/company-account.ts';
import { MAPPINGS } from '../../src/mapping/registry.ts';
import { launchBrowser, openDemoBakery } from '../helpers/browser.ts';
import { startTestDemo } from '../helpers/connector-demo.ts';

describe('the mapping page (browser)', () => {
  let demo: Awaited<ReturnType<typeof startTestDemo>>;
  let browser: Browser;

  before(async () => {
    demo = await startTestDemo();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await demo?.close();
  });

  async function openMapping(width: number) {
    const page = await (await browser.newContext({ viewport: { width, height: 900 } })).newPage();
    await openDemoBakery(page, demo);
    await page.getByRole('link', { name: 'See what maps to what, field by field' }).click();
    await page.getByRole('heading', { name: 'What maps to what' }).waitFor();
    return page;
  }

  it('lists every mapped field, reached from the settings, at desktop and phone width', async () => {
    for (const width of [1200, 390]) {
      const page = await openMapping(width);
      for (const mapping of MAPPINGS.contacts) {
        const section = page.locator(`#mapping-${mapping.hubCollection}`);
        assert.ok(
          await section
            .getByRole('heading', { name: MAPPINGS.collectionLabel(mapping.hubCollection) })
            .isVisible(),
        );
        for (const hubPath of [...Object.values(mapping.text), mapping.address].filter(Boolean) as string[]) {
          const row = section.locator(`tr[data-field="${hubPath}"]`);
          assert.equal(await row.count(), 1, `${mapping.hubCollection}: ${hubPath}`);
          assert.ok(await row.isVisible(), `${mapping.hubCollection}: ${hubPath} at ${width}px`);
        }
      }
      for (const { hub } of Object.values(COMPANY_FIELD_PLACES)) {
        assert.equal(await page.locator(`#mapping-company tr[data-field="${hub}"]`).count(), 1, hub);
      }
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `no sideways scrolling at ${width}px (${overflow}px over)`);
      await page.context().close();
    }
  });
});
