import { createServiceVerifier, type VerifierConfig } from '@portico/events';
import { type ServiceSpec, specPath } from '@portico/openapi';
import type { TokenVerifier } from '@portico/token-auth';
import type { Express } from 'express';
import type { ServiceParts } from './run-service.js';
import { createServiceApp } from './service-app.js';
import { validateAgainstSpec } from './validate-requests.js';

/** What `createXService(deps)` takes: what `runService` opens, plus what tests set. */
export type ServiceDeps<C, DB> = ServiceParts<C, DB> & {
  now?: () => number;
  /** Tests turn this on so a response that breaks the service's spec fails them. */
  validateResponses?: boolean;
};

/** The variables the frame reads: whose `X-Forwarded-For` to believe (the gateway's). */
type FrameConfig = { TRUST_PROXY: string | boolean };

/**
 * Where tokens are verified: a service follows the auth service (its JWKS
 * and revocations, `createServiceVerifier`), so its config names it; the
 * auth service signs the tokens and brings a verifier of its own keys.
 */
type Verification<C> = C extends VerifierConfig
  ? { verifier?: TokenVerifier }
  : { verifier: TokenVerifier };

export type ServiceFrameOptions<C> = Verification<C> & {
  /** The service's name in logs and metrics, e.g. `order-service`. */
  service: string;
  /** Its OpenAPI document, which every request is validated against. */
  spec: ServiceSpec;
  /** The service's own routes, behind the validation. */
  routes: (app: Express, verifier: TokenVerifier) => void;
  /** Stops what the service started (consumers, clients); the frame's verifier closes with it. */
  close: () => Promise<void>;
};

export type FramedService = { app: Express; close: () => Promise<void> };

/**
 * What every service's `app.ts` sets up the same way, in one call: the app of
 * `createServiceApp` with `/readyz` checking the database (and Redis when
 * there is one), every request validated against the service's spec, a
 * token verifier for its routes, and one `close` for all of it.
 */
export function createServiceFrame<C extends FrameConfig, DB>(
  deps: ServiceDeps<C, DB>,
  options: ServiceFrameOptions<C>,
): FramedService {
  const { config, database, logger, redis } = deps;
  const verification = options.verifier
    ? { verifier: options.verifier, close: async () => {} }
    : // Without a verifier of its own, Verification<C> says the config names the auth service.
      createServiceVerifier({ config: config as C & VerifierConfig, logger, redis });

  const app = createServiceApp({
    service: options.service,
    logger,
    trustProxy: config.TRUST_PROXY,
    readiness: { database: database.ping, ...(redis && { redis: () => redis.ping() }) },
    routes: (app) => {
      app.use(
        validateAgainstSpec(specPath(options.spec), {
          validateResponses: deps.validateResponses ?? false,
        }),
      );
      options.routes(app, verification.verifier);
    },
  });
  return {
    app,
    close: async () => {
      await Promise.all([options.close(), verification.close()]);
    },
  };
}
