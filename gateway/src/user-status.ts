import { ForbiddenError, ServiceUnavailableError, UnauthorizedError } from '@portico/errors';
import type { ServiceClient } from '@portico/http-client';
import type { Logger } from '@portico/logging';
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import type { Exchange } from './exchange.js';
import type { GatewayMetrics } from './metrics.js';
import type { Stage } from './pipeline.js';
import { sendProblem } from './problems.js';

export type UserStatus = 'active' | 'disabled' | 'unknown';

export type UserStatusOptions = {
  users: ServiceClient;
  redis?: Redis | undefined;
  metrics: GatewayMetrics;
  logger: Logger;
  /** How long a known user's status is trusted; `user.*` events cut it short. */
  ttlSeconds: number;
  /** How long "no such user" is remembered. */
  negativeTtlSeconds: number;
  maxEntries: number;
};

const redisKey = (id: string) => `portico:gateway:user-status:${id}`;

/**
 * The caller's status, through two cache tiers: lru-cache in the process, then
 * Redis when configured, then user-service. lru-cache's `fetch` makes
 * concurrent misses for one user share one lookup; when user-service fails, a
 * stale answer keeps serving.
 */
export function createUserStatusCache(options: UserStatusOptions) {
  const { users, redis, metrics, logger } = options;

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
    if (res.status === 404) return 'unknown';
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
      if (cached) {
        metrics.cache('user-status-redis', 'hit');
        fetchOptions.ttl = ttlFor(cached) * 1000;
        return cached;
      }
      metrics.cache('user-status-redis', 'miss');
      const status = await fromUserService(id);
      fetchOptions.ttl = ttlFor(status) * 1000;
      redis?.set(redisKey(id), status, 'EX', ttlFor(status)).catch(() => {});
      return status;
    },
  });

  return {
    /**
     * The status when a fresh copy is in memory, synchronously: the hot path's
     * common case then costs no promise and no microtask.
     */
    cached(id: string): UserStatus | undefined {
      const status = cache.get(id);
      if (status !== undefined) metrics.cache('user-status', 'hit');
      return status;
    },
    async get(id: string): Promise<UserStatus | undefined> {
      const hit = cache.has(id);
      metrics.cache('user-status', hit ? 'hit' : 'miss');
      return cache.fetch(id);
    },
    /** Forgets a user in both tiers, on a `user.*` event. */
    async invalidate(id: string): Promise<void> {
      cache.delete(id);
      await redis?.del(redisKey(id)).catch(() => {});
    },
  };
}

export type UserStatusCache = ReturnType<typeof createUserStatusCache>;

/** Refuses a caller whose account is disabled (403) or gone (401), after the token passed. */
export function userStatusStage(statuses: UserStatusCache): Stage {
  const decide = (exchange: Exchange, status: UserStatus | undefined): boolean => {
    if (status === 'active') return true;
    const refusal =
      status === 'disabled'
        ? new ForbiddenError('This account is disabled.', 'USER_DISABLED')
        : new UnauthorizedError('The token names an unknown user.', 'INVALID_TOKEN', {
            headers: { 'www-authenticate': 'Bearer realm="portico", error="invalid_token"' },
          });
    sendProblem(exchange.res, refusal, exchange.path);
    return false;
  };
  const check = async (exchange: Exchange): Promise<boolean> => {
    const caller = exchange.caller!;
    let status: UserStatus | undefined;
    try {
      status = await statuses.get(caller.sub);
    } catch (error) {
      // Nothing cached and user-service unreachable: fail closed, but say when to retry.
      const unavailable = new ServiceUnavailableError(
        'The user directory is unavailable.',
        'USER_LOOKUP_UNAVAILABLE',
        5,
        error,
      );
      sendProblem(exchange.res, unavailable, exchange.path);
      return false;
    }
    return decide(exchange, status);
  };
  return (exchange) => {
    if (!exchange.caller) return true;
    const status = statuses.cached(exchange.caller.sub);
    return status === undefined ? check(exchange) : decide(exchange, status);
  };
}
