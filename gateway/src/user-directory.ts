import { subscribe } from '@portico/events';
import { createServiceClient, createServiceTokenProvider } from '@portico/http-client';
import type { Logger } from '@portico/logging';
import type { Redis } from 'ioredis';
import type { GatewayConfig } from './config.js';
import type { GatewayMetrics } from './metrics.js';
import { createUserStatusCache, type UserStatusCache } from './user-status.js';

/**
 * Where the edge learns a caller's status: user-service over `/internal/`
 * with the gateway's own service token, behind the two-tier cache, and the
 * `user.*` events that evict a user the moment their status changes (a
 * disabled user's still-valid token is refused within milliseconds).
 */
export function createUserDirectory(deps: {
  config: GatewayConfig;
  redis?: Redis | undefined;
  metrics: GatewayMetrics;
  logger: Logger;
}): { statuses: UserStatusCache; close: () => Promise<void> } {
  const { config, logger } = deps;
  const tokens = createServiceTokenProvider({
    authUrl: config.AUTH_SERVICE_URL,
    clientId: config.SERVICE_CLIENT_ID,
    clientSecret: config.SERVICE_CLIENT_SECRET,
  });
  const lookups = createServiceClient({
    name: 'user-service',
    baseUrl: config.USER_SERVICE_URL,
    timeoutMs: Math.min(config.UPSTREAM_TIMEOUT_MS, 2000),
    retries: 1,
    logger,
    tokenProvider: tokens,
  });
  // Long polls (embedded mode) outlive a look-up's timeout and are never retried.
  const feed = createServiceClient({
    name: 'user-service',
    baseUrl: config.USER_SERVICE_URL,
    timeoutMs: 30_000,
    retries: 0,
    tokenProvider: tokens,
  });
  const statuses = createUserStatusCache({
    users: lookups,
    redis: deps.redis,
    metrics: deps.metrics,
    logger,
    ttlSeconds: config.USER_CACHE_TTL_SECONDS,
    negativeTtlSeconds: config.USER_CACHE_NEGATIVE_TTL_SECONDS,
    maxEntries: 100_000,
  });
  const subscription = subscribe({
    source: 'user',
    redis: deps.redis,
    feed,
    logger,
    onEvent: (event) => {
      const id = (event.data as { id?: unknown } | null)?.id;
      if (event.type.startsWith('user.') && typeof id === 'string') void statuses.invalidate(id);
    },
  });
  return {
    statuses,
    close: async () => {
      await subscription.stop();
      await Promise.all([lookups.close(), feed.close()]);
    },
  };
}
