import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { CHROMIUM, chromiumOrSkip, launchChromium } from './support/chromium.js';
import { type System, startSystem } from './support/system.js';

const ARTIFACTS = join(process.cwd(), 'test-artifacts');

/** One operation of each service, as the merged spec publishes it. */
const OPERATIONS = [
  ['post', '/api/v1/auth/login'],
  ['get', '/api/v1/users/me'],
  ['post', '/api/v2/orders'],
  ['get', '/api/v1/inventory/products'],
  // Swagger UI shows a deprecated operation under a class of its own.
  ['deprecated', '/api/v1/orders'],
] as const;

// A deprecated operation's path is `.opblock-summary-path__deprecated`; the first matches either.
const operation = (page: Page, method: string, path: string) =>
  page
    .locator(`.opblock.opblock-${method}:has([class^="opblock-summary-path"][data-path="${path}"])`)
    .first();

if (!chromiumOrSkip('API reference browser test')) {
  describe.skip('the API reference page in a browser', () => {
    it(`needs ${CHROMIUM}`, () => {});
  });
} else {
  describe('the API reference page in a browser', () => {
    let system: System;
    let context: BrowserContext;
    let closeBrowser: (() => Promise<void>) | undefined;
    beforeAll(async () => {
      system = await startSystem();
      ({ context, close: closeBrowser } = await launchChromium({ width: 1280, height: 1400 }));
    }, 60_000);
    afterAll(async () => {
      await closeBrowser?.();
      await system?.stop();
    });

    it('when /docs opens, then it lists every service and "Try it out" lists products with a 200', async () => {
      const gateway = new URL(system.gateway);
      const problems: string[] = [];
      const page = await context.newPage();
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('requestfailed', (request) =>
        problems.push(`failed: ${request.url()} ${request.failure()?.errorText}`),
      );
      page.on('request', (request) => {
        const url = new URL(request.url());
        const local = url.protocol === 'data:' || url.hostname === gateway.hostname;
        if (!local) problems.push(`off-host request: ${request.url()}`);
      });

      await page.goto(`${system.gateway}/docs`, { waitUntil: 'networkidle' });
      for (const [method, path] of OPERATIONS) {
        await operation(page, method, path).waitFor({ timeout: 10_000 });
      }

      const products = operation(page, 'get', '/api/v1/inventory/products');
      await products.locator('.opblock-summary').first().click();
      await products.getByRole('button', { name: 'Try it out' }).click();
      await products.getByRole('button', { name: 'Execute' }).click();
      const status = products.locator('.live-responses-table .response .response-col_status');
      await status.first().waitFor({ timeout: 10_000 });
      const body = await products
        .locator('.live-responses-table .response-col_description pre')
        .first()
        .textContent();
      await products.scrollIntoViewIfNeeded();
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'docs.png'), fullPage: true });
      await products.screenshot({ path: join(ARTIFACTS, 'docs-try-it.png') });

      expect((await status.first().textContent())?.trim()).toBe('200');
      expect(JSON.parse(body ?? '{}').items.length).toBeGreaterThan(0);
      expect(problems).toEqual([]);
    }, 60_000);
  });
}
