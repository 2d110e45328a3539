import { migrateToLatest } from '@portico/db';
import { createFeedClient, createOutbox, eventFeedRoutes, startEventBus } from '@portico/events';
import { createServiceClient, createServiceTokenProvider } from '@portico/http-client';
import { createServiceFrame, type FramedService, type ServiceDeps } from '@portico/lifecycle';
import { requireAuth } from '@portico/token-auth';
import type { UserConfig } from './config.js';
import { migrations } from './data/migrations.js';
import { createProfileRepository } from './data/profile-repository.js';
import type { UserDatabase } from './data/schema.js';
import { authEventHandlers } from './domain/auth-event-handlers.js';
import { createProfiles } from './domain/profiles.js';
import { internalRoutes } from './routes/internal.routes.js';
import { userRoutes } from './routes/users.routes.js';

export type UserDeps = ServiceDeps<UserConfig, UserDatabase>;

/** Builds the user service on its database (migrated here) and starts its events; server.ts listens. */
export async function createUserService(deps: UserDeps): Promise<FramedService> {
  const { config, database, logger } = deps;
  const now = deps.now ?? Date.now;
  await migrateToLatest(database.db, migrations);
  const tokens = createServiceTokenProvider({
    authUrl: config.AUTH_SERVICE_URL,
    clientId: config.SERVICE_CLIENT_ID,
    clientSecret: config.SERVICE_CLIENT_SECRET,
  });
  const auth = createServiceClient({
    name: 'auth-service',
    baseUrl: config.AUTH_SERVICE_URL,
    timeoutMs: config.UPSTREAM_TIMEOUT_MS,
    retries: 2,
    tokenProvider: tokens,
  });
  const authFeed = createFeedClient({
    name: 'auth-service',
    baseUrl: config.AUTH_SERVICE_URL,
    tokenProvider: tokens,
  });
  const outbox = createOutbox(database.db, 'user');
  const profiles = createProfiles({
    repository: createProfileRepository(database.db, now),
    outbox,
    auth,
    now,
  });
  const events = startEventBus({
    service: 'user-service',
    prefix: config.REDIS_PREFIX,
    db: database.db,
    logger,
    redis: deps.redis,
    outbox,
    consume: { handlers: authEventHandlers(now), feeds: { auth: authFeed } },
  });

  return createServiceFrame(deps, {
    service: 'user-service',
    spec: 'user',
    routes: (app, verifier) => {
      app.use(requireAuth(verifier));
      app.use('/api/v1/users', userRoutes(profiles));
      app.use('/internal/v1', internalRoutes(profiles));
      app.use('/internal/v1', eventFeedRoutes(outbox, deps.draining));
    },
    close: async () => {
      await events.stop();
      await Promise.all([auth.close(), authFeed.close()]);
    },
  });
}
