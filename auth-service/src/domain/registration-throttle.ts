import { TooManyRequestsError } from '@portico/errors';
import type { Logger } from '@portico/logging';
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

type Budget = {
  name: 'address' | 'deployment';
  points: number;
  /** The refused caller's problem detail. */
  detail: string;
  /** The log line when this budget is spent. */
  spent: string;
};

/**
 * Registration is the one anonymous request that hashes a new password
 * (~50 ms of a core): counted per address and for the deployment (issue 12)
 * before anything else is done with it (routes/registration-gate.ts takes it
 * in front of the service frame), so one address cannot queue hundreds of
 * hashes, many addresses together cannot either, and a refusal costs next to
 * nothing. Nothing is written for a refused registration. The hash queue
 * (passwords.ts) still bounds what gets through. A refused registration is
 * not logged; the one that spends a budget is, once a window, so a flood
 * shows in the log as it starts instead of as a line per request.
 */
export function createRegistrationThrottle(
  settings: RegistrationSettings,
  logger: Logger,
  redis?: SharedRedis,
) {
  const perAddress = createLimiter(
    'register-ip',
    settings.maxPerAddress,
    settings.windowSeconds,
    redis,
  );
  const everywhere = createLimiter('register-all', settings.maxPerMinute, 60, redis);

  const refusal = (rejection: unknown, budget: Budget) => {
    if (!(rejection instanceof RateLimiterRes)) return rejection;
    const retryAfterSeconds = Math.ceil(rejection.msBeforeNext / 1000);
    // Counts are atomic (in memory and in Redis): exactly one request per window sees points + 1.
    if (rejection.consumedPoints === budget.points + 1) {
      logger.warn({ budget: budget.name, retryAfterSeconds }, budget.spent);
    }
    return new TooManyRequestsError(
      retryAfterSeconds,
      budget.detail,
      AUTH_ERRORS.REGISTRATION_THROTTLED.code,
    );
  };
  const addressBudget: Budget = {
    name: 'address',
    points: settings.maxPerAddress,
    detail: 'Too many registrations from this address; try again later.',
    spent:
      'An address spent its registration budget: its registrations are refused until the window ends',
  };
  const deploymentBudget: Budget = {
    name: 'deployment',
    points: settings.maxPerMinute,
    detail: 'Too many registrations just now; try again shortly.',
    spent:
      'The deployment spent its registration budget: registrations are refused until the minute ends',
  };

  return {
    /** Takes a registration for `ip`, or throws 429 `REGISTRATION_THROTTLED` with Retry-After. */
    async take(ip: string): Promise<void> {
      try {
        await perAddress.consume(ipKeyGenerator(ip));
      } catch (rejection) {
        throw refusal(rejection, addressBudget);
      }
      try {
        await everywhere.consume('deployment');
      } catch (rejection) {
        throw refusal(rejection, deploymentBudget);
      }
    },
  };
}

export type RegistrationThrottle = ReturnType<typeof createRegistrationThrottle>;
