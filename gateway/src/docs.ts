import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Router } from 'express';
import type { JsonObject } from './public-spec.js';

const DOCS_PATHS: ReadonlySet<string> = new Set(['/openapi.json', '/docs', '/', '/docs/']);

/** How logs and metrics label a path the docs router serves (assets as one label). */
export function docsRoute(path: string): string | undefined {
  if (DOCS_PATHS.has(path)) return path;
  return path.startsWith('/docs/assets/') ? '/docs/assets/*' : undefined;
}

const SPEC_CACHE = 'public, max-age=300';
const ASSET_CACHE_SECONDS = 3600;

/**
 * Swagger UI from the installed swagger-ui-dist: only the files the page uses,
 * so the package's own petstore initializer, OAuth redirect page and source
 * maps are never served.
 */
const SWAGGER_UI_FILES = [
  'swagger-ui.css',
  'index.css',
  'swagger-ui-bundle.js',
  'favicon-32x32.png',
  'favicon-16x16.png',
];

/**
 * No inline script or style on the page, so scripts and styles are `'self'`
 * only. Swagger UI's stylesheet draws its icons as `data:` SVGs, and it fetches
 * the spec (and "Try it out" calls the API) on this origin only.
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Starts Swagger UI on the merged spec. `validatorUrl: null`: by default it
 * would send the spec's URL to validator.swagger.io for a badge. BaseLayout
 * (not the standalone one) has no URL bar for loading other documents.
 */
const INIT_SCRIPT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
});
`;

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Portico API reference</title>
    <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
    <link rel="stylesheet" href="/docs/assets/index.css">
    <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png" sizes="32x32">
    <link rel="icon" type="image/png" href="/docs/assets/favicon-16x16.png" sizes="16x16">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/assets/swagger-ui-bundle.js"></script>
    <script src="/docs/assets/init.js"></script>
  </body>
</html>
`;

const strongEtag = (body: string | Buffer) =>
  `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;

function swaggerUiDir(): string {
  return dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
}

/**
 * `GET /openapi.json` (the merged public spec, serialised once) and `GET /docs`
 * (Swagger UI on it, every asset served from this process: no CDN, no web font);
 * `GET /` and `GET /docs/` redirect to `/docs`.
 */
export function docsRouter(spec: JsonObject): Router {
  const specBody = Buffer.from(JSON.stringify(spec));
  const specEtag = strongEtag(specBody);
  const initEtag = strongEtag(INIT_SCRIPT);
  const assetsDir = swaggerUiDir();
  const router = Router({ caseSensitive: true, strict: true });

  router.get('/openapi.json', (req, res) => {
    res.set({ 'cache-control': SPEC_CACHE, etag: specEtag });
    // req.fresh compares If-None-Match with the ETag just set (RFC 9110 §13.1.2).
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    res.type('application/json').send(specBody);
  });

  // A newcomer opens the gateway's root, or types the trailing slash (issue 14).
  // `/` is temporary (302), so a landing page could replace it; `/docs/` is only
  // a misspelling of `/docs`, so 308.
  router.get('/', (_req, res) => res.redirect(302, '/docs'));
  router.get('/docs/', (_req, res) => res.redirect(308, '/docs'));

  router.get('/docs', (_req, res) => {
    res
      .set({
        'content-security-policy': DOCS_CSP,
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
      })
      .type('html')
      .send(PAGE);
  });

  router.get('/docs/assets/init.js', (req, res) => {
    res.set({ 'cache-control': `public, max-age=${ASSET_CACHE_SECONDS}`, etag: initEtag });
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    res.type('text/javascript').send(INIT_SCRIPT);
  });

  for (const file of SWAGGER_UI_FILES) {
    router.get(`/docs/assets/${file}`, (_req, res, next) => {
      res.set('x-content-type-options', 'nosniff');
      res.sendFile(file, { root: assetsDir, maxAge: ASSET_CACHE_SECONDS * 1000 }, (error) => {
        if (error && !res.headersSent) next(error);
      });
    });
  }
  return router;
}
