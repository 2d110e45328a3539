import { notFoundHandler, problemErrorHandler } from '@portico/errors';
import { type ReadinessChecks, sharedChecks } from '@portico/lifecycle';
import type { Logger } from '@portico/logging';
import express, { type Express, Router } from 'express';
import type { Registry } from 'prom-client';
import { demoRouter } from './demo.js';
import { type DocsOptions, docsRouter } from './docs.js';
import { opsAccess } from './ops-access.js';
import { type JsonObject, publishedSpec } from './public-spec.js';

/** The probes the admin app serves: labelled as themselves, logged at debug. */
export const ADMIN_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);

export type AdminAppOptions = {
  logger: Logger;
  registry: Registry;
  /** Each upstream's health check; `/readyz` is 503 naming the ones that fail. */
  readiness: ReadinessChecks;
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
  const readiness = sharedChecks(options.readiness);
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

  app.use(routes);
  app.use(docsRouter(options.publicSpec ?? publishedSpec(), options.docs));
  if (options.demoClientId) app.use(demoRouter(options.demoClientId));
  app.use(notFoundHandler);
  app.use(problemErrorHandler(options.logger));
  return app;
}
