import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Router } from 'express';
import type { JsonObject } from './public-spec.js';

const DOCS_PATHS: ReadonlySet<string> = new Set([
  '/openapi.json',
  '/docs',
  '/',
  '/docs/',
  '/docs/oauth2-redirect.html',
  '/docs/oauth2-redirect.js',
]);

/** How logs and metrics label a path the docs router serves (assets as one label). */
export function docsRoute(path: string): string | undefined {
  if (DOCS_PATHS.has(path)) return path;
  return path.startsWith('/docs/assets/') ? '/docs/assets/*' : undefined;
}

const SPEC_CACHE = 'public, max-age=300';
const ASSET_CACHE_SECONDS = 3600;

/**
 * Swagger UI from the installed swagger-ui-dist: only the files the page uses,
 * so the package's own petstore initializer and source maps are never served.
 */
const SWAGGER_UI_FILES = [
  'swagger-ui.css',
  'index.css',
  'swagger-ui-bundle.js',
  'favicon-32x32.png',
  'favicon-16x16.png',
];

/**
 * The page the hosted login redirects back to: it hands the code to the
 * reference page that opened it (`window.opener`), which trades it for tokens.
 * It loads its script relative to itself, so both live under `/docs/`.
 */
const OAUTH_REDIRECT_FILES = ['oauth2-redirect.html', 'oauth2-redirect.js'];

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
 * (not the standalone one) has no URL bar for loading other documents. With a
 * client id, Authorize logs in through the hosted page (authorization code +
 * PKCE, a public client: no secret on the page).
 */
function initScript(oauthClientId: string | undefined): string {
  const oauth = oauthClientId
    ? `
  window.ui.initOAuth({
    clientId: ${JSON.stringify(oauthClientId)},
    usePkceWithAuthorizationCodeGrant: true,
    scopes: 'openid profile email',
  });`
    : '';
  return `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    oauth2RedirectUrl: window.location.origin + '/docs/oauth2-redirect.html',
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });${oauth}
});
`;
}

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

export type DocsOptions = {
  /** The registered public client the Authorize button logs in as; unset: paste a token. */
  oauthClientId?: string | undefined;
};

/**
 * `GET /openapi.json` (the merged public spec, serialised once) and `GET /docs`
 * (Swagger UI on it, every asset served from this process: no CDN, no web font);
 * `GET /` and `GET /docs/` redirect to `/docs`.
 */
export function docsRouter(spec: JsonObject, options: DocsOptions = {}): Router {
  const specBody = Buffer.from(JSON.stringify(spec));
  const specEtag = strongEtag(specBody);
  const initScriptBody = initScript(options.oauthClientId);
  const initEtag = strongEtag(initScriptBody);
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
    res.type('text/javascript').send(initScriptBody);
  });

  const serveFile = (route: string, file: string, headers: Record<string, string> = {}) =>
    router.get(route, (_req, res, next) => {
      res.set({ 'x-content-type-options': 'nosniff', ...headers });
      res.sendFile(file, { root: assetsDir, maxAge: ASSET_CACHE_SECONDS * 1000 }, (error) => {
        if (error && !res.headersSent) next(error);
      });
    });
  for (const file of SWAGGER_UI_FILES) serveFile(`/docs/assets/${file}`, file);
  // The redirect page reads the code from its own URL: it must not leak it onwards.
  for (const file of OAUTH_REDIRECT_FILES) {
    serveFile(`/docs/${file}`, file, {
      'content-security-policy': DOCS_CSP,
      'referrer-policy': 'no-referrer',
    });
  }
  return router;
}
