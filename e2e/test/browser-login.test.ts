import { createServer } from 'node:http';
import { listenLocally } from '@portico/test-kit';
import type { BrowserContext, Page } from 'playwright-core';
import { CHROMIUM, chromiumOrSkip, launchChromium } from './support/chromium.js';
import { buildServices } from './support/processes.js';
import { newShopper, type Shopper } from './support/shop.js';
import { type System, startSystem } from './support/system.js';

/** Console errors (a CSP violation is one), page errors and failed requests: none is expected. */
function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  return problems;
}

async function fillLoginPage(page: Page, who: { email: string; password: string }) {
  await page.waitForURL(/\/api\/v1\/auth\/authorize\?/);
  await page.locator('#email').fill(who.email);
  await page.locator('#password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

if (!chromiumOrSkip('Browser login test')) {
  describe.skip('logging in through the hosted page in a browser', () => {
    it(`needs ${CHROMIUM}`, () => {});
  });
} else {
  describe('logging in through the hosted page in a browser', () => {
    let system: System;
    let context: BrowserContext;
    let closeBrowser: (() => Promise<void>) | undefined;
    let shopper: Shopper;
    beforeAll(async () => {
      // The demo page serves the SDK's browser helper as built.
      await buildServices();
      system = await startSystem({ issuerAtGateway: true });
      shopper = await newShopper(system.gateway, 'Ada Lovelace');
      ({ context, close: closeBrowser } = await launchChromium());
    }, 300_000);
    afterAll(async () => {
      await closeBrowser?.();
      await system?.stop();
    });
    afterEach(() => context?.clearCookies());

    it('when a user opens the demo SPA, logs in on the hosted page and orders, then they land back signed in and the order settles', async () => {
      const page = await context.newPage();
      const problems = watch(page);
      await page.goto(`${system.gateway}/demo/`);
      await page.getByRole('button', { name: 'Log in' }).click();
      await fillLoginPage(page, shopper);

      await page.waitForURL(`${system.gateway}/demo/`);
      await page.locator('#who').getByText('Ada Lovelace').waitFor({ timeout: 10_000 });
      // The code left the address bar once traded.
      expect(page.url()).toBe(`${system.gateway}/demo/`);
      await page.getByRole('button', { name: 'Order one' }).first().click();
      await page
        .getByRole('status')
        .getByText(/is (confirmed|rejected)/)
        .waitFor({ timeout: 15_000 });

      await page.getByRole('button', { name: 'Log out' }).click();
      await page.getByRole('button', { name: 'Log in' }).waitFor({ timeout: 10_000 });
      expect(problems).toEqual([]);
      await page.close();
    }, 60_000);

    it('when the password is wrong, then the hosted page says so and nobody is sent back', async () => {
      const page = await context.newPage();
      await page.goto(`${system.gateway}/demo/`);
      await page.getByRole('button', { name: 'Log in' }).click();
      await fillLoginPage(page, { email: shopper.email, password: 'not the password' });
      await page.getByRole('alert').waitFor({ timeout: 10_000 });
      expect(await page.getByRole('alert').textContent()).toMatch(/email or password/i);
      expect(page.url()).toMatch(/\/api\/v1\/auth\/authorize/);
      await page.close();
    }, 30_000);

    it('when another site posts the login form (login CSRF), then the auth service refuses it and no code is issued', async () => {
      const page = await context.newPage();
      await page.goto(`${system.gateway}/demo/`);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.waitForURL(/\/api\/v1\/auth\/authorize\?/);
      const request = await page.locator('input[name="request"]').getAttribute('value');
      const csrf = await page.locator('input[name="csrf_token"]').getAttribute('value');

      // The attacker's page, on another origin, submits the victim's pending form with its own account.
      const attacker = await listenLocally(
        createServer((_req, res) => {
          res.setHeader('content-type', 'text/html');
          res.end(`<form id="f" method="post" action="${system.gateway}/api/v1/auth/authorize">
          <input name="request" value="${request}"><input name="csrf_token" value="${csrf}">
          <input name="email" value="${shopper.email}"><input name="password" value="${shopper.password}">
          </form><script>document.getElementById('f').submit()</script>`);
        }),
      );
      try {
        const answer = page.waitForResponse((r) => r.request().method() === 'POST');
        await page.goto(`http://localhost:${attacker.port}/`);
        const response = await answer;
        expect(response.status()).toBe(403);
        expect(response.headers().location).toBeUndefined();
      } finally {
        await attacker.close();
        await page.close();
      }
    }, 30_000);

    it('when /docs is authorized through the hosted page, then "Try it out" calls a user endpoint with that token', async () => {
      const page = await context.newPage();
      const problems = watch(page);
      await page.goto(`${system.gateway}/docs`, { waitUntil: 'networkidle' });
      await page.locator('.auth-wrapper .authorize').click();
      const scheme = page.locator('.auth-container').filter({ hasText: 'browserLogin' });
      // initOAuth filled in the client and its scopes (all three checked).
      expect(await scheme.locator('#client_id_authorizationCode').inputValue()).toBe(
        'portico-docs',
      );
      const popup = context.waitForEvent('page');
      await scheme.getByRole('button', { name: 'Apply given OAuth2 credentials' }).click();
      const login = await popup;
      await fillLoginPage(login, shopper);
      await login.waitForEvent('close', { timeout: 15_000 });
      await scheme
        .getByRole('button', { name: 'Remove authorization' })
        .waitFor({ timeout: 10_000 });
      await page.locator('.modal-ux .close-modal').click();

      const me = page.locator(
        '.opblock.opblock-get:has(.opblock-summary-path[data-path="/api/v1/users/me"])',
      );
      await me.locator('.opblock-summary').first().click();
      await me.getByRole('button', { name: 'Try it out' }).click();
      await me.getByRole('button', { name: 'Execute' }).click();
      const status = me.locator('.live-responses-table .response .response-col_status');
      await status.first().waitFor({ timeout: 10_000 });
      expect((await status.first().textContent())?.trim()).toBe('200');
      const body = await me
        .locator('.live-responses-table .response-col_description pre')
        .first()
        .textContent();
      expect(JSON.parse(body ?? '{}')).toMatchObject({ id: shopper.id });
      expect(problems).toEqual([]);
      await page.close();
    }, 60_000);
  });
}
