import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Router } from 'express';

/** Same origin for everything: the page, its scripts, the API and the login page's redirect back. */
const DEMO_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const HEADERS = {
  'content-security-policy': DEMO_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  // The page's address carries the authorization code on the way back.
  'cache-control': 'no-store',
};

const escapeAttribute = (value: string) =>
  value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => {
    made ??= { value: make() };
    return made.value;
  };
}

const demoFile = (name: string) =>
  readFileSync(new URL(`../../demo/${name}`, import.meta.url), 'utf8');

/**
 * `/demo/`: a single-page app that logs in as the public client `clientId`
 * through the hosted login page and places an order, for a newcomer to see
 * the browser flow work end to end. Its OAuth code is the SDK's browser
 * helper, served as it is built (`@portico/sdk/browser-login`).
 */
export function demoRouter(clientId: string): Router {
  const page = demoFile('index.html').replace('{{clientId}}', escapeAttribute(clientId));
  const files: Record<string, [type: string, body: () => string]> = {
    'app.js': ['text/javascript', once(() => demoFile('app.js'))],
    'demo.css': ['text/css', once(() => demoFile('demo.css'))],
    // Read on first use: the SDK is built by `tsc -b` (npm start), not by the gateway.
    'browser-login.js': [
      'text/javascript',
      once(() =>
        readFileSync(createRequire(import.meta.url).resolve('@portico/sdk/browser-login'), 'utf8'),
      ),
    ],
  };
  const router = Router({ caseSensitive: true, strict: true });
  router.get('/demo', (_req, res) => res.redirect(308, '/demo/'));
  router.get('/demo/', (_req, res) => res.set(HEADERS).type('html').send(page));
  for (const [name, [type, body]] of Object.entries(files)) {
    router.get(`/demo/${name}`, (_req, res) => res.set(HEADERS).type(type).send(body()));
  }
  return router;
}
