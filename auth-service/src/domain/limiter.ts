import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';

export type SharedRedis = { client: Redis; prefix: string };

/**
 * A rate-limiter-flexible limiter of `points` per `duration` seconds. With
 * Redis every replica shares the count; if Redis fails, the in-process limiter
 * still holds. Keys live under the deployment's prefix: without it, two
 * deployments on one Redis throttled each other's accounts (found by the
 * fuzzer, issue 7: one run's failed admin logins locked the next).
 */
export function createLimiter(
  keyPrefix: string,
  points: number,
  duration: number,
  redis: SharedRedis | undefined,
) {
  const memory = new RateLimiterMemory({ keyPrefix, points, duration });
  return redis
    ? new RateLimiterRedis({
        storeClient: redis.client,
        keyPrefix: `${redis.prefix}:${keyPrefix}`,
        points,
        duration,
        insuranceLimiter: memory,
      })
    : memory;
}
