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
 * Stores a looked-up status only if the user was not invalidated since the
 * look-up began (their generation is unchanged): a look-up that read "active"
 * just before a disable must not put "active" back after the disable's
 * invalidation, where every replica would trust it for a whole TTL.
 */
const SET_IF_GENERATION = `
if (redis.call('GET', KEYS[2]) or '0') == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
  return 1
end
return 0`;

/** Generation counters outlive any look-up by far, and then go. */
const GENERATION_TTL_SECONDS = 24 * 60 * 60;

/**
 * A user's status, through two cache tiers: lru-cache in the process, then
 * Redis when configured, then user-service. lru-cache's `fetch` makes
 * concurrent misses for one user share one look-up; when user-service fails,
 * a stale answer keeps serving; with nothing cached, `get` rejects. An
 * invalidation wins over a look-up in flight, in both tiers.
 */
export function createUserStatusCache(options: UserStatusCacheOptions) {
  const { users, redis, logger } = options;
  const redisKey = (id: string) =>
    `${options.prefix ?? 'portico'}:${options.owner}:user-status:${id}`;
  const generationKey = (id: string) => `${redisKey(id)}:generation`;
  const counted = options.onLookup ?? (() => {});

  /** The cached status, and the user's generation to store a fresh look-up under. */
  async function fromRedis(id: string): Promise<{ status?: UserStatus; generation?: string }> {
    if (!redis) return {};
    try {
      const [status, generation] = await redis.mget(redisKey(id), generationKey(id));
      return { status: (status as UserStatus | null) ?? undefined, generation: generation ?? '0' };
    } catch (err) {
      logger.warn({ err: (err as Error).message }, 'user-status redis read failed');
      return {};
    }
  }

  function toRedis(id: string, status: UserStatus, generation: string | undefined): void {
    if (!redis || generation === undefined) return;
    redis
      .eval(
        SET_IF_GENERATION,
        2,
        redisKey(id),
        generationKey(id),
        generation,
        status,
        ttlFor(status),
      )
      .catch(() => {});
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
    // An `invalidate` during the look-up aborts `signal`: lru-cache then keeps
    // nothing, and the Redis write is skipped (or refused by the generation).
    fetchMethod: async (id, _stale, { options: fetchOptions, signal }) => {
      const cached = await fromRedis(id);
      if (redis) counted('redis', cached.status ? 'hit' : 'miss');
      if (cached.status) {
        fetchOptions.ttl = ttlFor(cached.status) * 1000;
        return cached.status;
      }
      const status = await fromUserService(id);
      fetchOptions.ttl = ttlFor(status) * 1000;
      if (!signal.aborted) toRedis(id, status, cached.generation);
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
      const outcome: LRUCache.Status<string, UserStatus> = {};
      let status = await cache.fetch(id, { status: outcome });
      // An invalidation during the look-up discarded it: look again, after the change.
      if (status === undefined && outcome.fetchAborted) status = await cache.fetch(id);
      if (status === undefined) throw new Error('user-service unavailable and nothing cached');
      return status;
    },
    /** Forgets a user in both tiers, on a `user.*` event; look-ups in flight store nothing. */
    async invalidate(id: string): Promise<void> {
      cache.delete(id);
      await redis
        ?.multi()
        .incr(generationKey(id))
        .expire(generationKey(id), GENERATION_TTL_SECONDS)
        .del(redisKey(id))
        .exec()
        .catch(() => {});
    },
  };
}

export type UserStatusCache = ReturnType<typeof createUserStatusCache>;
