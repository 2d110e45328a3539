import { TooManyRequestsError } from '@portico/errors';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { AUTH_ERRORS } from '../errors.js';
import { createLimiter, type SharedRedis } from './limiter.js';

/**
 * Two rotations back to back are allowed: a leaked key table leaks the
 * published next key too, and only a second rotation brings a key no one
 * has seen into use.
 */
const BURST = 2;

/**
 * Bounds manual key rotation for the whole deployment (shared through Redis
 * when there is one): on average one per `minIntervalSeconds`. Each rotation
 * keeps a retired key published and makes every verifier refetch the JWKS, so
 * a looping script or a stolen admin token must not churn it (issue 12).
 */
export function createRotationThrottle(minIntervalSeconds: number, redis?: SharedRedis) {
  const limiter = createLimiter('key-rotation', BURST, BURST * minIntervalSeconds, redis);

  return {
    /** Takes a rotation, or throws 429 `ROTATION_THROTTLED` with Retry-After. */
    async take(): Promise<void> {
      try {
        await limiter.consume('deployment');
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        throw new TooManyRequestsError(
          rejection.msBeforeNext / 1000,
          'The signing key was rotated moments ago; try again later.',
          AUTH_ERRORS.ROTATION_THROTTLED.code,
        );
      }
    },
  };
}

export type RotationThrottle = ReturnType<typeof createRotationThrottle>;
