import { TooManyRequestsError } from '@portico/errors';
import { ipKeyGenerator } from 'express-rate-limit';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { AUTH_ERRORS } from '../errors.js';
import { createLimiter, type SharedRedis } from './limiter.js';

export type RegistrationSettings = {
  /** Registrations from one address (IPv6: its /56) per window. */
  maxPerAddress: number;
  windowSeconds: number;
  /** Registrations a minute for the whole deployment, whatever the address. */
  maxPerMinute: number;
};

/**
 * Registration is the one anonymous request that hashes a new password
 * (~50 ms of a core): counted per address and for the deployment (issue 12)
 * before anything else is done with it (app.ts takes it ahead of the spec's
 * validation), so one address cannot queue hundreds of hashes, many
 * addresses together cannot either, and a refusal costs next to nothing.
 * Nothing is written for a refused registration. The hash queue
 * (passwords.ts) still bounds what gets through.
 */
export function createRegistrationThrottle(settings: RegistrationSettings, redis?: SharedRedis) {
  const perAddress = createLimiter(
    'register-ip',
    settings.maxPerAddress,
    settings.windowSeconds,
    redis,
  );
  const everywhere = createLimiter('register-all', settings.maxPerMinute, 60, redis);

  const refusal = (rejection: unknown, detail: string) => {
    if (!(rejection instanceof RateLimiterRes)) return rejection;
    return new TooManyRequestsError(
      rejection.msBeforeNext / 1000,
      detail,
      AUTH_ERRORS.REGISTRATION_THROTTLED.code,
    );
  };

  return {
    /** Takes a registration for `ip`, or throws 429 `REGISTRATION_THROTTLED` with Retry-After. */
    async take(ip: string): Promise<void> {
      try {
        await perAddress.consume(ipKeyGenerator(ip));
      } catch (rejection) {
        throw refusal(rejection, 'Too many registrations from this address; try again later.');
      }
      try {
        await everywhere.consume('deployment');
      } catch (rejection) {
        throw refusal(rejection, 'Too many registrations just now; try again shortly.');
      }
    },
  };
}

export type RegistrationThrottle = ReturnType<typeof createRegistrationThrottle>;
