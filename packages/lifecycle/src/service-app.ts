import { notFoundHandler, problemErrorHandler } from '@portico/errors';
import { type Logger, requestLogger } from '@portico/logging';
import express, { type Express } from 'express';
import { healthRouter, type ReadinessChecks } from './health.js';
import { createMetrics } from './metrics.js';

export type ServiceAppOptions = {
  service: string;
  logger: Logger;
  /** Dependencies `/readyz` checks (database, Redis, ...). */
  readiness: ReadinessChecks;
  /** Express `trust proxy`: whose X-Forwarded-For to believe for `req.ip` (the gateway's). */
  trustProxy?: string | boolean;
  /** Largest JSON body accepted; larger is a 413 problem. */
  bodyLimit?: string;
  /** Mounts the service's own routes; runs after logging, metrics and body parsing. */
  routes: (app: Express) => void;
};

/**
 * The common frame of every service: request id and log line, metrics, health
 * endpoints, a strict JSON body parser, the service's routes, then a 404
 * problem for anything unmatched and the one problem-rendering error handler.
 */
export function createServiceApp(options: ServiceAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy ?? false);
  app.set('query parser', 'simple');
  // Every answer is JSON or Prometheus text: no browser may sniff it into a page or a script.
  app.use((_req, res, next) => {
    res.setHeader('x-content-type-options', 'nosniff');
    next();
  });
  const metrics = createMetrics(options.service);
  app.use(requestLogger(options.logger));
  app.use(metrics.httpMiddleware);
  app.use(healthRouter({ checks: options.readiness, registry: metrics.registry }));
  app.use(express.json({ limit: options.bodyLimit ?? '16kb', strict: true }));
  app.use(
    express.urlencoded({ extended: false, limit: options.bodyLimit ?? '16kb', parameterLimit: 20 }),
  );
  options.routes(app);
  app.use(notFoundHandler);
  app.use(problemErrorHandler(options.logger));
  return app;
}
