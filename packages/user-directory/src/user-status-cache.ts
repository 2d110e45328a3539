import type { ServiceClient } from '@portico/http-client';
import type { Logger } from '@portico/logging';
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';

export type UserStatus = 'active' | 'disabled' | 'unknown';

export type CacheTier = 'memory' | 'redis';

export type UserStatusCacheOptions = {
  /** A client for user-service with a `users:read` service token. */
  users: ServiceClient;
  redis?: Redis | undefined;
  logger: Logger;
  /** Whose cache this is, in Redis keys: `<prefix>:<owner>:user-status:<id>`. */
  owner: string;
  /** The deployment's Redis key prefix (`REDIS_PREFIX`). */
  prefix?: string;
  /** How long a known user's status is trusted; `user.*` events cut it short. */
  ttlSeconds: number;
  /** How long "no such user" is remembered. */
  negativeTtlSeconds: number;
  maxEntries: number;
  /** Counts look-ups per tier, for metrics. */
  onLookup?: (tier: CacheTier, outcome: 'hit' | 'miss') => void;
};

/**
 * A user's status, through two cache tiers: lru-cache in the process, then
 * Redis when configured, then user-service. lru-cache's `fetch` makes
 * concurrent misses for one user share one look-up; when user-service fails,
 * a stale answer keeps serving; with nothing cached, `get` rejects.
 */
export function createUserStatusCache(options: UserStatusCacheOptions) {
  const { users, redis, logger } = options;
  const redisKey = (id: string) =>
    `${options.prefix ?? 'portico'}:${options.owner}:user-status:${id}`;
  const counted = options.onLookup ?? (() => {});

  async function fromRedis(id: string): Promise<UserStatus | undefined> {
    if (!redis) return undefined;
    try {
      return ((await redis.get(redisKey(id))) as UserStatus | null) ?? undefined;
    } catch (err) {
      logger.warn({ err: (err as Error).message }, 'user-status redis read failed');
      return undefined;
    }
  }

  async function fromUserService(id: string): Promise<UserStatus> {
    const res = await users.request<{ status: 'active' | 'disabled' }>({
      method: 'GET',
      path: `/internal/v1/users/${encodeURIComponent(id)}`,
    });
    if (res.status === 404 || res.status === 400) return 'unknown';
    if (res.status !== 200 || !res.body) throw new Error(`user-service answered ${res.status}`);
    return res.body.status;
  }

  const ttlFor = (status: UserStatus) =>
    status === 'unknown' ? options.negativeTtlSeconds : options.ttlSeconds;

  const cache = new LRUCache<string, UserStatus>({
    max: options.maxEntries,
    ttl: options.ttlSeconds * 1000,
    allowStaleOnFetchRejection: true,
    noDeleteOnFetchRejection: true,
    fetchMethod: async (id, _stale, { options: fetchOptions }) => {
      const cached = await fromRedis(id);
      if (redis) counted('redis', cached ? 'hit' : 'miss');
      if (cached) {
        fetchOptions.ttl = ttlFor(cached) * 1000;
        return cached;
      }
      const status = await fromUserService(id);
      fetchOptions.ttl = ttlFor(status) * 1000;
      redis?.set(redisKey(id), status, 'EX', ttlFor(status)).catch(() => {});
      return status;
    },
  });

  return {
    /**
     * A fresh cached status, synchronously, or undefined: the hot path's fast
     * case costs no promise. A stale entry stays for `get` to fall back on.
     */
    cached(id: string): UserStatus | undefined {
      const status = cache.get(id, { allowStale: false, noDeleteOnStaleGet: true });
      if (status !== undefined) counted('memory', 'hit');
      return status;
    },
    /** The status, from the cache or user-service; rejects when neither can answer. */
    async get(id: string): Promise<UserStatus> {
      counted('memory', cache.has(id) ? 'hit' : 'miss');
      // With allowStaleOnFetchRejection, a failed look-up with nothing stale to
      // fall back on resolves to undefined rather than rejecting.
      const status = await cache.fetch(id);
      if (status === undefined) throw new Error('user-service unavailable and nothing cached');
      return status;
    },
    /** Forgets a user in both tiers, on a `user.*` event. */
    async invalidate(id: string): Promise<void> {
      cache.delete(id);
      await redis?.del(redisKey(id)).catch(() => {});
    },
  };
}

export type UserStatusCache = ReturnType<typeof createUserStatusCache>;
