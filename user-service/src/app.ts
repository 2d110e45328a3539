import { type Database, migrateToLatest } from '@portico/db';
import { createServiceClient, createServiceTokenProvider } from '@portico/http-client';
import { createServiceApp, validateAgainstSpec } from '@portico/lifecycle';
import type { Logger } from '@portico/logging';
import { specPath } from '@portico/openapi';
import { createTokenVerifier, requireAuth } from '@portico/token-auth';
import type { Express } from 'express';
import type { UserConfig } from './config.js';
import { migrations } from './data/migrations.js';
import { createProfileRepository } from './data/profile-repository.js';
import type { UserDatabase } from './data/schema.js';
import { createProfiles } from './domain/profiles.js';
import { internalRoutes } from './routes/internal.routes.js';
import { userRoutes } from './routes/users.routes.js';

export type UserDeps = {
  config: UserConfig;
  database: Database<UserDatabase>;
  logger: Logger;
  now?: () => number;
  validateResponses?: boolean;
};

/** Builds the user service on its database (migrated here); server.ts listens. */
export async function createUserService(
  deps: UserDeps,
): Promise<{ app: Express; close: () => Promise<void> }> {
  const { config, database, logger } = deps;
  await migrateToLatest(database.db, migrations);
  const auth = createServiceClient({
    name: 'auth-service',
    baseUrl: config.AUTH_SERVICE_URL,
    timeoutMs: config.UPSTREAM_TIMEOUT_MS,
    retries: 2,
    tokenProvider: createServiceTokenProvider({
      authUrl: config.AUTH_SERVICE_URL,
      clientId: config.SERVICE_CLIENT_ID,
      clientSecret: config.SERVICE_CLIENT_SECRET,
      scope: 'accounts:read',
    }),
  });
  const profiles = createProfiles({
    repository: createProfileRepository(database.db, deps.now ?? Date.now),
    auth,
  });
  const verifier = createTokenVerifier({
    jwksUrl: `${config.AUTH_SERVICE_URL}/.well-known/jwks.json`,
    issuer: config.TOKEN_ISSUER,
    audience: config.TOKEN_AUDIENCE,
  });

  const app = createServiceApp({
    service: 'user-service',
    logger,
    trustProxy: config.TRUST_PROXY,
    readiness: { database: database.ping },
    routes: (app) => {
      app.use(
        validateAgainstSpec(specPath('user'), {
          validateResponses: deps.validateResponses ?? false,
        }),
      );
      app.use(requireAuth(verifier));
      app.use('/api/v1/users', userRoutes(profiles));
      app.use('/internal/v1', internalRoutes(profiles));
    },
  });
  return { app, close: () => auth.close() };
}
