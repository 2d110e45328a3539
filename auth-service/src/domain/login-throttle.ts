import { TooManyRequestsError } from '@portico/errors';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export type ThrottleSettings = {
  maxAttemptsPerAccount: number;
  maxFailuresPerIp: number;
  windowSeconds: number;
};

function limiter(
  name: string,
  points: number,
  duration: number,
  redis: { client: Redis; prefix: string } | undefined,
) {
  const memory = new RateLimiterMemory({ keyPrefix: `login-${name}`, points, duration });
  // With Redis every replica shares the count; if Redis fails, the in-process limiter still holds.
  // Under the deployment's prefix: without it, two deployments on one Redis throttled each
  // other's accounts (found by the fuzzer, issue 7: one run's failed admin logins locked the next).
  return redis
    ? new RateLimiterRedis({
        storeClient: redis.client,
        keyPrefix: `${redis.prefix}:login-${name}`,
        points,
        duration,
        insuranceLimiter: memory,
      })
    : memory;
}

/**
 * Login throttling per account and per client IP. A point is taken before the
 * password is hashed, atomically, so N parallel wrong passwords cannot get
 * past the limit (Zitadel GHSA-7h8m-vrxx-vr4m). A success gives the points back.
 */
export function createLoginThrottle(
  settings: ThrottleSettings,
  redis?: { client: Redis; prefix: string },
) {
  const perAccount = limiter(
    'account',
    settings.maxAttemptsPerAccount,
    settings.windowSeconds,
    redis,
  );
  const perIp = limiter('ip', settings.maxFailuresPerIp, settings.windowSeconds, redis);

  async function take(consume: () => Promise<unknown>): Promise<void> {
    try {
      await consume();
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      throw new TooManyRequestsError(
        rejection.msBeforeNext / 1000,
        'Too many login attempts; try again later.',
        'LOGIN_THROTTLED',
      );
    }
  }

  return {
    async before(email: string, ip: string): Promise<void> {
      await take(() => perIp.consume(ip));
      await take(() => perAccount.consume(email.toLowerCase()));
    },
    async succeeded(email: string, ip: string): Promise<void> {
      await Promise.all([perAccount.delete(email.toLowerCase()), perIp.reward(ip, 1)]);
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
