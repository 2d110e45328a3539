import { createFeedClient, subscribe } from '@portico/events';
import { createServiceClient, createServiceTokenProvider } from '@portico/http-client';
import type { Logger } from '@portico/logging';
import type { Redis } from 'ioredis';
import {
  type CacheTier,
  createUserStatusCache,
  type UserStatusCache,
} from './user-status-cache.js';

export type UserDirectoryOptions = {
  owner: string;
  authUrl: string;
  userServiceUrl: string;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
  ttlSeconds: number;
  negativeTtlSeconds: number;
  redis?: Redis | undefined;
  /** The deployment's Redis key prefix (`REDIS_PREFIX`). */
  prefix?: string;
  logger: Logger;
  onLookup?: (tier: CacheTier, outcome: 'hit' | 'miss') => void;
};

/**
 * Where a service learns a user's status: user-service over `/internal/`
 * with the caller's own service token, behind the two-tier cache, and the
 * `user.*` events that evict a user the moment their status changes (so a
 * disabled user is refused within milliseconds, not at the end of a TTL).
 */
export function createUserDirectory(options: UserDirectoryOptions): {
  statuses: UserStatusCache;
  close: () => Promise<void>;
} {
  const { logger } = options;
  const tokens = createServiceTokenProvider({
    authUrl: options.authUrl,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
  });
  const lookups = createServiceClient({
    name: 'user-service',
    baseUrl: options.userServiceUrl,
    timeoutMs: options.timeoutMs,
    retries: 1,
    logger,
    tokenProvider: tokens,
  });
  const feed = createFeedClient({
    name: 'user-service',
    baseUrl: options.userServiceUrl,
    tokenProvider: tokens,
  });
  const statuses = createUserStatusCache({
    users: lookups,
    redis: options.redis,
    logger,
    owner: options.owner,
    ...(options.prefix && { prefix: options.prefix }),
    ttlSeconds: options.ttlSeconds,
    negativeTtlSeconds: options.negativeTtlSeconds,
    maxEntries: 100_000,
    ...(options.onLookup && { onLookup: options.onLookup }),
  });
  const subscription = subscribe({
    source: 'user',
    redis: options.redis,
    ...(options.prefix && { prefix: options.prefix }),
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
