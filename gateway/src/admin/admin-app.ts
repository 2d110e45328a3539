import { notFoundHandler, problemErrorHandler, UnprocessableError } from '@portico/errors';
import type { Readiness } from '@portico/lifecycle';
import type { Logger } from '@portico/logging';
import express, { type Express, Router } from 'express';
import type { Registry } from 'prom-client';
import { GATEWAY_ERRORS } from '../errors.js';
import { demoRouter } from './demo.js';
import { type DocsOptions, docsRouter } from './docs.js';
import { opsAccess } from './ops-access.js';
import { type JsonObject, publishedSpec } from './public-spec.js';

/** The probes the admin app serves: labelled as themselves, logged at debug. */
export const ADMIN_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);
/** Where the operator asks for the routes file to be read again (as SIGHUP does). */
export const RELOAD_PATH = '/admin/routes/reload';

export type AdminAppOptions = {
  logger: Logger;
  registry: Registry;
  /** The upstreams' health, shared between probes; `/readyz` is 503 naming the ones that fail. */
  readiness: () => Promise<Readiness>;
  /** Re-reads the routes file: the problems when it was refused (`POST /admin/routes/reload`). */
  reloadRoutes?: () => { reloaded: true } | { reloaded: false; problems: readonly string[] };
  /** Bearer token for `/metrics` and readiness detail; unset: loopback peers only. */
  metricsToken?: string;
  /** The merged public spec; by default read from the services' specs, once, at start. */
  publicSpec?: JsonObject;
  /** How the reference page logs in. */
  docs?: DocsOptions;
  /** The demo SPA's public OAuth client; unset: no `/demo/`. */
  demoClientId?: string | undefined;
};

/**
 * Everything off the proxied path: health, readiness, metrics, the merged
 * OpenAPI document and its reference page (`docs.ts`), and the 404
 * problem for any path the route table does not name (including every refused
 * spelling of `/internal/`). Express is fine here; it is not on the hot path.
 * Routing is case-sensitive and strict, as the route table is.
 */
export function createAdminApp(options: AdminAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('case sensitive routing', true);
  app.set('strict routing', true);
  app.use((_req, res, next) => {
    res.setHeader('x-content-type-options', 'nosniff');
    next();
  });

  const ops = opsAccess(options.metricsToken);
  const { readiness } = options;
  const routes = Router({ caseSensitive: true, strict: true });
  routes.get('/healthz', (_req, res) => {
    res.set('cache-control', 'no-store').json({ status: 'ok' });
  });
  routes.get('/readyz', async (req, res) => {
    const { ok, checks } = await readiness();
    const status = ok ? 'ready' : 'unavailable';
    res
      .status(ok ? 200 : 503)
      .set('cache-control', 'no-store')
      .json(ops.allowed(req) ? { status, checks } : { status });
  });
  routes.get('/metrics', async (req, res) => {
    const refusal = ops.refusal(req);
    if (refusal) throw refusal;
    res
      .set('content-type', options.registry.contentType)
      .set('cache-control', 'no-store')
      .send(await options.registry.metrics());
  });

  // Like /metrics: the operator's, from loopback or with METRICS_TOKEN. A file
  // that fails validation changes nothing; the answer lists why (issue 13).
  routes.post(RELOAD_PATH, (req, res) => {
    const refusal = ops.refusal(req);
    if (refusal) throw refusal;
    const outcome = options.reloadRoutes?.() ?? {
      reloaded: false,
      problems: ['Reloading is off.'],
    };
    res.set('cache-control', 'no-store');
    if (outcome.reloaded) {
      res.json({ status: 'reloaded' });
      return;
    }
    throw new UnprocessableError(
      'The routes file was refused; the running table keeps serving.',
      GATEWAY_ERRORS.ROUTES_FILE_INVALID.code,
      { extensions: { errors: outcome.problems } },
    );
  });

  app.use(routes);
  app.use(docsRouter(options.publicSpec ?? publishedSpec(), options.docs));
  if (options.demoClientId) app.use(demoRouter(options.demoClientId));
  app.use(notFoundHandler);
  app.use(problemErrorHandler(options.logger));
  return app;
}
