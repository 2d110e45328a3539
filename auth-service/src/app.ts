import { type Database, migrateToLatest } from '@portico/db';
import { createServiceApp, validateAgainstSpec } from '@portico/lifecycle';
import type { Logger } from '@portico/logging';
import { specPath } from '@portico/openapi';
import { createTokenVerifier } from '@portico/token-auth';
import type { Express } from 'express';
import type { Redis } from 'ioredis';
import type { AuthConfig } from './config.js';
import { createAccountRepository } from './data/account-repository.js';
import { migrations } from './data/migrations.js';
import { createRefreshTokenRepository } from './data/refresh-token-repository.js';
import type { AuthDatabase } from './data/schema.js';
import { createServiceClientRepository } from './data/service-client-repository.js';
import { createSigningKeyRepository } from './data/signing-key-repository.js';
import { createAccounts } from './domain/accounts.js';
import { createClientCredentials, hashClientSecret } from './domain/client-credentials.js';
import { createKeyRing, type KeyRing } from './domain/key-ring.js';
import { createLoginThrottle } from './domain/login-throttle.js';
import { createSessions } from './domain/sessions.js';
import { createTokenIssuer } from './domain/token-issuer.js';
import { authRoutes } from './routes/auth.routes.js';
import { internalRoutes } from './routes/internal.routes.js';
import { keyRoutes } from './routes/keys.routes.js';

/** Accepted clock difference between issuer and verifiers; retired keys outlive their tokens by it. */
const CLOCK_SKEW_SECONDS = 30;

export type AuthDeps = {
  config: AuthConfig;
  database: Database<AuthDatabase>;
  logger: Logger;
  redis?: Redis;
  now?: () => number;
  /** Tests turn this on so a response that breaks openapi/auth.yaml fails them. */
  validateResponses?: boolean;
};

export type AuthService = { app: Express; keyRing: KeyRing };

/**
 * Builds the auth service on a database: applies migrations, makes sure signing
 * keys, service clients and the configured admin exist, and returns the app
 * (not listening; server.ts listens, tests use supertest or port 0).
 */
export async function createAuthService(deps: AuthDeps): Promise<AuthService> {
  const { config, database, logger } = deps;
  const now = deps.now ?? Date.now;
  const db = database.db;
  await migrateToLatest(db, migrations);

  const accountRepository = createAccountRepository(db, now);
  const serviceClients = createServiceClientRepository(db);
  const keyRing = createKeyRing({
    repository: createSigningKeyRepository(db),
    now,
    // A retired key signed user and service tokens alike: keep it until the longer-lived kind expires.
    retiredKeyLifetimeMs:
      (Math.max(config.ACCESS_TOKEN_TTL_SECONDS, config.SERVICE_TOKEN_TTL_SECONDS) +
        CLOCK_SKEW_SECONDS) *
      1000,
  });
  await keyRing.initialise();
  for (const [clientId, secret] of Object.entries(config.SERVICE_CLIENT_SECRETS)) {
    await serviceClients.upsert(clientId, hashClientSecret(secret), now());
  }

  const refreshTokens = createRefreshTokenRepository(db);
  const accounts = createAccounts(accountRepository, refreshTokens);
  if (config.ADMIN_EMAIL && config.ADMIN_PASSWORD) {
    await accounts.ensureAdmin(config.ADMIN_EMAIL, config.ADMIN_PASSWORD);
  }

  const issuer = createTokenIssuer(
    keyRing,
    {
      issuer: config.TOKEN_ISSUER,
      audience: config.TOKEN_AUDIENCE,
      accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
      serviceTtlSeconds: config.SERVICE_TOKEN_TTL_SECONDS,
    },
    now,
  );
  const verifier = createTokenVerifier({
    getKey: keyRing.getKey,
    issuer: config.TOKEN_ISSUER,
    audience: config.TOKEN_AUDIENCE,
    clockToleranceSeconds: CLOCK_SKEW_SECONDS,
  });
  const sessions = createSessions({
    accounts: accountRepository,
    refreshTokens,
    issuer,
    throttle: createLoginThrottle(
      {
        maxAttemptsPerAccount: config.LOGIN_MAX_ATTEMPTS_PER_ACCOUNT,
        maxFailuresPerIp: config.LOGIN_MAX_FAILURES_PER_IP,
        windowSeconds: config.LOGIN_THROTTLE_WINDOW_SECONDS,
      },
      deps.redis,
    ),
    refreshTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
    now,
  });
  const redis = deps.redis;

  const app = createServiceApp({
    service: 'auth-service',
    logger,
    trustProxy: config.TRUST_PROXY,
    readiness: {
      database: database.ping,
      ...(redis && { redis: () => redis.ping() }),
    },
    routes: (app) => {
      app.use(
        validateAgainstSpec(specPath('auth'), {
          validateResponses: deps.validateResponses ?? false,
        }),
      );
      app.use(
        keyRoutes({
          keyRing,
          verifier,
          issuer: config.TOKEN_ISSUER,
          publicBaseUrl: config.PUBLIC_BASE_URL,
        }),
      );
      app.use(
        '/api/v1/auth',
        authRoutes({
          accounts,
          sessions,
          clientCredentials: createClientCredentials(serviceClients, issuer),
        }),
      );
      app.use('/internal/v1', internalRoutes({ accounts: accountRepository, verifier }));
    },
  });
  return { app, keyRing };
}
