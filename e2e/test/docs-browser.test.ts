import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { type System, startSystem } from './support/system.js';

/** Debian's chromium package; .ci/run installs it. Playwright downloads no browser. */
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(process.cwd(), 'test-artifacts');
/** Keep the browser quiet and local: no update checks, sync, QUIC or first-run pages. */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** One operation of each service, as the merged spec publishes it. */
const OPERATIONS = [
  ['post', '/api/v1/auth/login'],
  ['get', '/api/v1/users/me'],
  ['post', '/api/v1/orders'],
  ['get', '/api/v1/inventory/products'],
] as const;

const operation = (page: Page, method: string, path: string) =>
  page.locator(`.opblock.opblock-${method}:has(.opblock-summary-path[data-path="${path}"])`);

if (!existsSync(CHROMIUM)) {
  process.stderr.write(
    `API reference browser test skipped: ${CHROMIUM} not found (apt-get install chromium).\n`,
  );
  describe.skip('the API reference page in a browser', () => {
    it(`needs ${CHROMIUM}`, () => {});
  });
} else {
  describe('the API reference page in a browser', () => {
    let system: System;
    let context: BrowserContext;
    let profile: string;
    beforeAll(async () => {
      system = await startSystem();
      profile = mkdtempSync(join(tmpdir(), 'portico-chromium-'));
      context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: FLAGS,
        viewport: { width: 1280, height: 1400 },
      });
    }, 60_000);
    afterAll(async () => {
      await context?.close();
      if (profile) rmSync(profile, { recursive: true, force: true });
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
