import { buildServices } from '../../e2e/test/support/processes.js';
import { allReceived, send, useGateway } from './support/gateway-harness.js';

/** Every URL a page loads: script and image sources, stylesheet and icon links. */
const referencedUrls = (html: string) =>
  [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((match) => match[1]!);

describe('the pages that log in through the hosted login page (development defaults)', () => {
  const { upstreams, gateway } = useGateway();
  // /demo/ serves the SDK's browser helper as built.
  beforeAll(() => buildServices(), 240_000);

  it('when /docs starts Swagger UI, then Authorize uses the portico-docs client with PKCE and comes back to the served redirect page', async () => {
    const init = await send(gateway.url, { path: '/docs/assets/init.js' });
    expect(init.text).toContain('clientId: "portico-docs"');
    expect(init.text).toContain('usePkceWithAuthorizationCodeGrant: true');
    expect(init.text).toContain(
      "oauth2RedirectUrl: window.location.origin + '/docs/oauth2-redirect.html'",
    );

    const page = await send(gateway.url, { path: '/docs/oauth2-redirect.html' });
    expect(page.status).toBe(200);
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");
    expect(referencedUrls(page.text)).toEqual(['oauth2-redirect.js']);
    const script = await send(gateway.url, { path: '/docs/oauth2-redirect.js' });
    expect(script.status).toBe(200);
    expect(script.text).toContain('swaggerUIRedirectOauth2');
    expect(allReceived(upstreams)).toHaveLength(0);
  });

  it('when /demo/ is opened, then the page names its client and loads only its own scripts, under a strict CSP, uncached', async () => {
    const page = await send(gateway.url, { path: '/demo/' });
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-client-id="portico-demo"');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/https?:|'unsafe-/);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(referencedUrls(page.text).sort()).toEqual(['/demo/app.js', '/demo/demo.css', '/docs']);

    for (const [path, type] of [
      ['/demo/app.js', /^text\/javascript/],
      ['/demo/browser-login.js', /^text\/javascript/],
      ['/demo/demo.css', /^text\/css/],
    ] as const) {
      const reply = await send(gateway.url, { path });
      expect([path, reply.status]).toEqual([path, 200]);
      expect(reply.headers['content-type']).toMatch(type);
    }
    // The SDK's browser helper, as built: the page imports it by this name.
    const helper = await send(gateway.url, { path: '/demo/browser-login.js' });
    expect(helper.text).toContain('export function createBrowserLogin');
    expect((await send(gateway.url, { path: '/demo' })).headers.location).toBe('/demo/');
    expect(allReceived(upstreams)).toHaveLength(0);
  });
});

describe('the same pages in production, where no client was named', () => {
  const { gateway } = useGateway({
    NODE_ENV: 'production',
    SERVICE_CLIENT_SECRET: 'a-production-secret-of-32-characters!',
  });

  it('when nothing names a client, then /docs asks for a pasted token and there is no demo', async () => {
    const init = await send(gateway.url, { path: '/docs/assets/init.js' });
    expect(init.text).not.toContain('initOAuth');
    expect((await send(gateway.url, { path: '/demo/' })).status).toBe(404);
  });
});
