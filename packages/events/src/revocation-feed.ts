import { setTimeout as sleep } from 'node:timers/promises';
import { createServiceClient, createServiceTokenProvider } from '@portico/http-client';
import type { Logger } from '@portico/logging';
import {
  createRevocationList,
  createTokenVerifier,
  type RevocationList,
  type RevocationSnapshot,
  type TokenVerifier,
} from '@portico/token-auth';
import type { Redis } from 'ioredis';
import { createFeedClient } from './feed-client.js';
import { subscribe } from './subscriber.js';

export type RevocationFeedOptions = {
  /** The auth service: its `auth` feed (embedded mode) and GET /internal/v1/revocations. */
  authUrl: string;
  /** This service's client; it needs `revocations:read` and `events:read`. */
  clientId: string;
  clientSecret: string;
  logger: Logger;
  redis?: Redis | undefined;
  /** The deployment's Redis key prefix. */
  prefix?: string;
  /** How often the whole list is fetched again, to mend anything a reconnect missed (5 min). */
  resyncMs?: number;
};

/**
 * The revocation list of one verifier (gateway or service), kept current:
 * it follows the auth service's `token.revoked`, `session.revoked` and
 * `account.signed_out` events (Redis Streams, or the auth feed in embedded
 * mode), so a revocation reaches every replica within milliseconds, and it is
 * seeded from GET /internal/v1/revocations, so a replica started after a
 * revocation refuses the token too.
 *
 * If the auth service cannot be reached at start, the verifier starts
 * anyway (fail open) and keeps retrying: refusing every token while auth is
 * down would take every service down with it, for revocations that are rare
 * and name tokens that expire within minutes. The subscription is started
 * before the seed is fetched, so a revocation made meanwhile is in one or the
 * other; a resync every few minutes mends a reconnect that missed events.
 */
export function followRevocations(options: RevocationFeedOptions): {
  list: RevocationList;
  /** Settles once the list was seeded (never rejects). */
  seeded: Promise<void>;
  close: () => Promise<void>;
} {
  const { logger } = options;
  const list = createRevocationList({
    onOverflow: () => logger.error('revocation list full: dropping the oldest entries'),
  });
  const tokens = createServiceTokenProvider({
    authUrl: options.authUrl,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
  });
  const feed = createFeedClient({
    name: 'auth-service',
    baseUrl: options.authUrl,
    tokenProvider: tokens,
  });
  const lookups = createServiceClient({
    name: 'auth-service',
    baseUrl: options.authUrl,
    timeoutMs: 5_000,
    retries: 1,
    logger,
    tokenProvider: tokens,
  });
  const subscription = subscribe({
    source: 'auth',
    redis: options.redis,
    ...(options.prefix && { prefix: options.prefix }),
    feed,
    logger,
    onEvent: list.apply,
  });

  const stopped = new AbortController();
  // Ends early, quietly, on close.
  const pause = (ms: number) => sleep(ms, undefined, { signal: stopped.signal }).catch(() => {});

  async function fetchSnapshot(): Promise<void> {
    const res = await lookups.request<RevocationSnapshot>({
      method: 'GET',
      path: '/internal/v1/revocations',
      signal: stopped.signal,
    });
    if (res.status !== 200 || !res.body) throw new Error(`auth-service answered ${res.status}`);
    list.load(res.body);
  }

  async function seed(): Promise<void> {
    for (let attempt = 1; !stopped.signal.aborted; attempt += 1) {
      try {
        await fetchSnapshot();
        if (attempt > 1) logger.info('revocation list seeded');
        return;
      } catch (error) {
        if (stopped.signal.aborted) return;
        if (attempt === 1 || attempt % 10 === 0) {
          logger.warn(
            { err: (error as Error).message, attempt },
            'revocation list not seeded yet; tokens revoked before now are accepted until it is',
          );
        }
        await pause(Math.min(30_000, 250 * 2 ** Math.min(attempt, 7)));
      }
    }
  }

  const seeded = seed();
  const resync = (async () => {
    await seeded;
    while (!stopped.signal.aborted) {
      await pause(options.resyncMs ?? 300_000);
      if (stopped.signal.aborted) return;
      await fetchSnapshot().catch((error: Error) =>
        logger.warn({ err: error.message }, 'revocation list resync failed'),
      );
    }
  })();

  return {
    list,
    seeded,
    close: async () => {
      stopped.abort();
      await Promise.all([subscription.stop(), seeded, resync]);
      list.close();
      await Promise.all([feed.close(), lookups.close()]);
    },
  };
}

/** What a Portico process's configuration names for verifying tokens (every service's and the gateway's). */
export type VerifierConfig = {
  AUTH_SERVICE_URL: string;
  SERVICE_CLIENT_ID: string;
  SERVICE_CLIENT_SECRET: string;
  REDIS_PREFIX?: string;
  TOKEN_ISSUER: string;
  TOKEN_AUDIENCE: string;
};

/**
 * The token verifier of a service or the gateway: the auth service's JWKS,
 * its issuer and audience pinned, and its revocations followed (above), so
 * every process refuses a revoked token within a second, one call each.
 */
export function createServiceVerifier(options: {
  config: VerifierConfig;
  logger: Logger;
  redis?: Redis | undefined;
  /** Verified tokens kept in memory (the gateway's TOKEN_CACHE_MAX). */
  cacheMaxEntries?: number;
}): { verifier: TokenVerifier; close: () => Promise<void> } {
  const { config } = options;
  const revocations = followRevocations({
    authUrl: config.AUTH_SERVICE_URL,
    clientId: config.SERVICE_CLIENT_ID,
    clientSecret: config.SERVICE_CLIENT_SECRET,
    redis: options.redis,
    ...(config.REDIS_PREFIX && { prefix: config.REDIS_PREFIX }),
    logger: options.logger,
  });
  const verifier = createTokenVerifier({
    jwksUrl: `${config.AUTH_SERVICE_URL}/.well-known/jwks.json`,
    issuer: config.TOKEN_ISSUER,
    audience: config.TOKEN_AUDIENCE,
    ...(options.cacheMaxEntries && { cacheMaxEntries: options.cacheMaxEntries }),
    revocations: revocations.list,
  });
  return { verifier, close: revocations.close };
}
