import { type Database, migrateToLatest } from '@portico/db';
import {
  createFeedClient,
  createOutbox,
  type EventBus,
  eventFeedRoutes,
  type Outbox,
  startEventBus,
  subscribe,
} from '@portico/events';
import { createServiceFrame, type ServiceDeps } from '@portico/lifecycle';
import { createRevocationList, createTokenVerifier } from '@portico/token-auth';
import type { Express } from 'express';
import type { AuthConfig } from './config.js';
import { createAccountRepository } from './data/account-repository.js';
import { createAuthorizationCodeRepository } from './data/authorization-code-repository.js';
import { migrations } from './data/migrations.js';
import { createRefreshTokenRepository } from './data/refresh-token-repository.js';
import type { AuthDatabase } from './data/schema.js';
import { createServiceClientRepository } from './data/service-client-repository.js';
import { createSigningKeyRepository } from './data/signing-key-repository.js';
import { createAccounts } from './domain/accounts.js';
import { createClientCredentials, hashClientSecret } from './domain/client-credentials.js';
import { isCommonPassword } from './domain/common-passwords.js';
import { createKeyRing, type KeyRing } from './domain/key-ring.js';
import { createLoginThrottle } from './domain/login-throttle.js';
import { createRegistrationThrottle } from './domain/registration-throttle.js';
import { createRevocations } from './domain/revocations.js';
import { createRotationThrottle } from './domain/rotation-throttle.js';
import { createSessions } from './domain/sessions.js';
import { createTokenInspection } from './domain/token-inspection.js';
import { createTokenIssuer } from './domain/token-issuer.js';
import { userEventHandlers } from './domain/user-event-handlers.js';
import { createAuthorizationCodes } from './oauth/authorization-codes.js';
import { defaultOAuthClients } from './oauth/client-config.js';
import { createOAuthClients } from './oauth/clients.js';
import { createIdTokens } from './oauth/id-token.js';
import { createLoginRequests } from './oauth/login-requests.js';
import { oauthErrorHandler } from './oauth/oauth-errors.js';
import { createTokenGrants } from './oauth/token-grants.js';
import { authRoutes } from './routes/auth.routes.js';
import { internalRoutes } from './routes/internal.routes.js';
import { keyRoutes } from './routes/keys.routes.js';
import { oauthRoutes } from './routes/oauth.routes.js';
import { oidcRoutes } from './routes/oidc.routes.js';
import { registrationGate } from './routes/registration-gate.js';
import { revocationRoutes } from './routes/revocation.routes.js';

/** Accepted clock difference between issuer and verifiers; retired keys outlive their tokens by it. */
const CLOCK_SKEW_SECONDS = 30;

export type AuthDeps = ServiceDeps<AuthConfig, AuthDatabase>;

export type AuthService = {
  app: Express;
  keyRing: KeyRing;
  /** Stops consuming events; call before closing the database. */
  stop: () => Promise<void>;
};

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
  const outbox = createOutbox(db, 'auth');
  const sharedRedis = deps.redis && { client: deps.redis, prefix: config.REDIS_PREFIX };
  const accounts = createAccounts({ repository: accountRepository, refreshTokens, outbox, now });
  const registrations = createRegistrationThrottle(
    {
      maxPerAddress: config.REGISTRATION_MAX_PER_ADDRESS,
      windowSeconds: config.REGISTRATION_WINDOW_SECONDS,
      maxPerMinute: config.REGISTRATION_MAX_PER_MINUTE,
    },
    logger,
    sharedRedis,
  );
  if (config.ADMIN_EMAIL && config.ADMIN_PASSWORD) {
    // Production refuses it in config.ts; a development start goes on, but says so.
    if (isCommonPassword(config.ADMIN_PASSWORD)) {
      logger.warn('ADMIN_PASSWORD is one of the most common passwords; production refuses it');
    }
    await accounts.ensureAdmin(config.ADMIN_EMAIL, config.ADMIN_PASSWORD);
  }

  // This service refuses revoked tokens too (key rotation, logout-all, userinfo): its
  // list hears of its own revocations as they commit, and of other replicas' on the stream.
  const revocationList = createRevocationList();
  const issuer = createTokenIssuer(
    keyRing,
    {
      issuer: config.TOKEN_ISSUER,
      audience: config.TOKEN_AUDIENCE,
      accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
      serviceTtlSeconds: config.SERVICE_TOKEN_TTL_SECONDS,
      signedOutBefore: revocationList.signedOutBefore,
    },
    now,
  );
  const verifier = createTokenVerifier({
    getKey: keyRing.getKey,
    issuer: config.TOKEN_ISSUER,
    audience: config.TOKEN_AUDIENCE,
    clockToleranceSeconds: CLOCK_SKEW_SECONDS,
    revocations: revocationList,
  });
  const revocations = createRevocations({
    db,
    outbox,
    accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    clockSkewSeconds: CLOCK_SKEW_SECONDS,
    now,
    list: revocationList,
  });
  revocationList.load(await revocations.active());
  const peerRevocations =
    deps.redis &&
    subscribe({
      source: 'auth',
      redis: deps.redis,
      prefix: config.REDIS_PREFIX,
      logger,
      onEvent: revocationList.apply,
    });
  const sessions = createSessions({
    accounts: accountRepository,
    refreshTokens,
    revocations,
    issuer,
    throttle: createLoginThrottle(
      {
        maxAttemptsPerAccount: config.LOGIN_MAX_ATTEMPTS_PER_ACCOUNT,
        maxFailuresPerIp: config.LOGIN_MAX_FAILURES_PER_IP,
        windowSeconds: config.LOGIN_THROTTLE_WINDOW_SECONDS,
      },
      deps.redis && { client: deps.redis, prefix: config.REDIS_PREFIX },
    ),
    refreshTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
    now,
  });
  const oauthClients = createOAuthClients(
    config.OAUTH_CLIENTS ??
      config.OAUTH_CLIENTS_FILE ??
      defaultOAuthClients(config.PUBLIC_BASE_URL, { NODE_ENV: config.NODE_ENV }),
  );
  const inspection = createTokenInspection({
    verifier,
    sessions,
    revocations,
    accounts: accountRepository,
    now,
  });
  const idTokens = createIdTokens({
    keyRing,
    issuer: config.TOKEN_ISSUER,
    ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    now,
  });
  const authorizationCodes = createAuthorizationCodes({
    repository: createAuthorizationCodeRepository(db),
    sessions,
    idTokens,
    now,
  });
  const redis = deps.redis;
  const events = startAuthEvents({ deps, db, outbox, issuer, now });

  const frame = createServiceFrame(deps, {
    service: 'auth-service',
    spec: 'auth',
    // The issuer verifies with its own key ring: it follows no other service for keys.
    verifier,
    routes: (app) => {
      app.use(
        keyRoutes({
          keyRing,
          accounts: accountRepository,
          rotationThrottle: createRotationThrottle(
            config.KEY_ROTATION_MIN_INTERVAL_SECONDS,
            redis && { client: redis, prefix: config.REDIS_PREFIX },
          ),
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
          tokenGrants: createTokenGrants({
            clients: oauthClients,
            codes: authorizationCodes,
            sessions,
            clientCredentials: createClientCredentials(serviceClients, issuer),
          }),
        }),
      );
      app.use('/api/v1/auth/token', oauthErrorHandler);
      app.use(
        '/api/v1/auth',
        oauthRoutes({
          clients: oauthClients,
          codes: authorizationCodes,
          loginRequests: createLoginRequests({
            keyRing,
            issuer: config.TOKEN_ISSUER,
            secureCookies: config.PUBLIC_BASE_URL.startsWith('https:'),
            now,
          }),
          sessions,
          issuer: config.TOKEN_ISSUER,
          publicBaseUrl: config.PUBLIC_BASE_URL,
        }),
      );
      app.use(
        '/api/v1/auth',
        oidcRoutes({
          clients: oauthClients,
          sessions,
          idTokens,
          accounts: accountRepository,
          verifier,
          isRevoked: revocations.isRevoked,
        }),
      );
      app.use(
        '/api/v1/auth',
        revocationRoutes({ clients: oauthClients, inspection, revocations, verifier }),
      );
      app.use(['/api/v1/auth/revoke', '/api/v1/auth/introspect'], oauthErrorHandler);
      app.use(
        '/internal/v1',
        internalRoutes({ accounts: accountRepository, revocations, verifier }),
      );
      app.use('/internal/v1', eventFeedRoutes(outbox, deps.draining));
    },
    close: async () => {
      await Promise.all([events.stop(), peerRevocations?.stop()]);
      revocationList.close();
    },
  });
  return {
    app: registrationGate({
      service: frame.app,
      throttle: registrations,
      trustProxy: config.TRUST_PROXY,
      logger,
    }),
    keyRing,
    stop: frame.close,
  };
}

/**
 * Publishes `user.registered` and follows the user service's `user.*` events.
 * The auth service signs its own service token for the feed: it is the issuer.
 */
function startAuthEvents(args: {
  deps: AuthDeps;
  db: Database<AuthDatabase>['db'];
  outbox: Outbox<AuthDatabase>;
  issuer: ReturnType<typeof createTokenIssuer>;
  now: () => number;
}): EventBus {
  const { deps, db, outbox, issuer, now } = args;
  const userFeed = createFeedClient({
    name: 'user-service',
    baseUrl: deps.config.USER_SERVICE_URL,
    tokenProvider: {
      getToken: () => issuer.forService('auth-service', ['events:read']),
      invalidate: () => {},
    },
  });
  const bus = startEventBus({
    service: 'auth-service',
    prefix: deps.config.REDIS_PREFIX,
    db,
    logger: deps.logger,
    redis: deps.redis,
    outbox,
    consume: { handlers: userEventHandlers(now), feeds: { user: userFeed } },
  });
  return {
    stop: async () => {
      await bus.stop();
      await userFeed.close();
    },
  };
}
