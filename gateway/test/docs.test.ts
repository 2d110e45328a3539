import { allReceived, send, useGateway } from './support/gateway-harness.js';

const { upstreams, gateway } = useGateway();

/** Every URL the page loads: script and image sources, stylesheet and icon links. */
function referencedUrls(html: string): string[] {
  return [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((match) => match[1]!);
}

describe('GET /openapi.json', () => {
  it('when asked, then the gateway answers the merged spec itself, cacheable, with an ETag', async () => {
    const reply = await send(gateway.url, { path: '/openapi.json' });

    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toMatch(/^application\/json/);
    expect(reply.headers['cache-control']).toBe('public, max-age=300');
    expect(reply.headers.etag).toMatch(/^"[\w-]+"$/);
    const spec = reply.json();
    expect(spec.openapi).toBe('3.1.0');
    expect(Object.keys(spec.paths as object)).toContain('/api/v1/orders');
    expect(allReceived(upstreams)).toHaveLength(0);
  });

  it('when the client already holds the current version, then the answer is 304 without a body', async () => {
    const first = await send(gateway.url, { path: '/openapi.json' });
    const again = await send(gateway.url, {
      path: '/openapi.json',
      headers: { 'if-none-match': first.headers.etag as string },
    });
    expect(again.status).toBe(304);
    expect(again.body).toHaveLength(0);
    expect(again.headers.etag).toBe(first.headers.etag);
  });
});

describe('GET /docs', () => {
  it('when asked, then the page loads only assets from the gateway, under a strict CSP', async () => {
    const reply = await send(gateway.url, { path: '/docs' });

    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toMatch(/^text\/html/);
    const csp = String(reply.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toMatch(/https?:|'unsafe-/);
    const urls = referencedUrls(reply.text);
    expect(urls.length).toBeGreaterThanOrEqual(4);
    for (const url of urls) expect(url).toMatch(/^\/docs\/assets\/[\w.-]+$/);
    expect(reply.text).not.toMatch(/<script>|<style|style="|https?:\/\//);
  });

  it('when the page asks for each asset, then each is 200 with its content type', async () => {
    const page = await send(gateway.url, { path: '/docs' });
    const types: Record<string, RegExp> = {
      css: /^text\/css/,
      js: /^(text|application)\/javascript/,
      png: /^image\/png$/,
    };
    for (const url of referencedUrls(page.text)) {
      const asset = await send(gateway.url, { path: url });
      const extension = url.split('.').pop()!;
      expect([url, asset.status]).toEqual([url, 200]);
      expect([url, asset.headers['content-type']]).toEqual([
        url,
        expect.stringMatching(types[extension]!),
      ]);
      expect(asset.body.length).toBeGreaterThan(0);
    }
  });

  it('when the page starts Swagger UI, then it points it at /openapi.json and at no validator', async () => {
    const init = await send(gateway.url, { path: '/docs/assets/init.js' });
    expect(init.text).toContain("url: '/openapi.json'");
    expect(init.text).toContain('validatorUrl: null');
  });

  it('when a file of the UI package that the page does not use is asked for, then it is a 404', async () => {
    for (const path of [
      '/docs/assets/index.html',
      '/docs/assets/swagger-initializer.js',
      '/docs/assets/../package.json',
    ]) {
      const reply = await send(gateway.url, { path });
      expect([path, reply.status]).toEqual([path, 404]);
    }
  });
});

describe('GET / and GET /docs/', () => {
  it('when a newcomer opens the gateway root, then it redirects to /docs', async () => {
    const reply = await send(gateway.url, { path: '/' });

    expect([302, 308]).toContain(reply.status);
    expect(reply.headers.location).toBe('/docs');
    expect(allReceived(upstreams)).toHaveLength(0);
  });

  it('when /docs is asked with a trailing slash, then it redirects to /docs', async () => {
    const reply = await send(gateway.url, { path: '/docs/' });

    expect([302, 308]).toContain(reply.status);
    expect(reply.headers.location).toBe('/docs');
  });

  it('when a path is unknown, then the 404 detail names the method and path, with no stray period', async () => {
    const reply = await send(gateway.url, { path: '/nope' });

    expect(reply.status).toBe(404);
    expect(reply.json().detail).toBe('No route matches GET /nope');
  });
});
