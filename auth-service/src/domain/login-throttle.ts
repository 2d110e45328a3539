import { TooManyRequestsError } from '@portico/errors';
import { ipKeyGenerator } from 'express-rate-limit';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { AUTH_ERRORS } from '../errors.js';
import { createLimiter, type SharedRedis } from './limiter.js';

export type ThrottleSettings = {
  /** Attempts for one account from one address per window (LOGIN_MAX_ATTEMPTS_PER_ACCOUNT). */
  maxAttemptsPerAccount: number;
  /** Failures from one address, whatever the account, per window. */
  maxFailuresPerIp: number;
  windowSeconds: number;
};

/**
 * Failures for one account from every address together: the bound on guessing
 * spread over many addresses, ten times further away than one address's, so
 * an attacker must work ten times as hard to lock the owner out anywhere.
 */
const ACCOUNT_EVERYWHERE_FACTOR = 10;
/**
 * How long a successful login vouches for its account and address: 14 days,
 * as long as a refresh token lives. (The in-memory limiter expires keys with a
 * timer, and Node fires a timer over 24.8 days at once.)
 */
const KNOWN_SECONDS = 14 * 24 * 3600;

/**
 * Login throttling that costs the attacker, not the owner (issue 12). A point
 * is taken before the password is hashed, atomically, so N parallel wrong
 * passwords cannot get past a limit (Zitadel GHSA-7h8m-vrxx-vr4m):
 * - per account and address: ten wrong passwords from one address stop that
 *   address guessing that account; the owner elsewhere logs in as ever;
 * - per account everywhere: ten times as many, for guessing spread over
 *   many addresses;
 * - per address: a password spray from one address stops, except for an
 *   account that has logged in from that address before (a NAT's users).
 * A success gives the points back and vouches for the account and address.
 */
export function createLoginThrottle(settings: ThrottleSettings, redis?: SharedRedis) {
  const { maxAttemptsPerAccount, maxFailuresPerIp, windowSeconds } = settings;
  const limiter = (name: string, points: number, duration: number) =>
    createLimiter(`login-${name}`, points, duration, redis);
  const perPair = limiter('account', maxAttemptsPerAccount, windowSeconds);
  const perAccount = limiter(
    'account-everywhere',
    maxAttemptsPerAccount * ACCOUNT_EVERYWHERE_FACTOR,
    windowSeconds,
  );
  const perIp = limiter('ip', maxFailuresPerIp, windowSeconds);
  const known = limiter('known', 1, KNOWN_SECONDS);

  async function take(consume: () => Promise<unknown>, unless?: () => Promise<boolean>) {
    try {
      await consume();
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      if (unless && (await unless())) return;
      throw new TooManyRequestsError(
        rejection.msBeforeNext / 1000,
        'Too many login attempts; try again later.',
        AUTH_ERRORS.LOGIN_THROTTLED.code,
      );
    }
  }

  const keys = (email: string, ip: string) => {
    const account = email.toLowerCase();
    // One IPv6 client holds a whole /56 (express-rate-limit's default, as the gateway's
    // limits use): counted by full address, rotating through it evaded every budget.
    // An IPv4-mapped address (::ffff:1.2.3.4) counts as the IPv4 address it is.
    const address = ipKeyGenerator(ip);
    return { account, address, pair: `${account}|${address}` };
  };

  return {
    async before(email: string, ip: string): Promise<void> {
      const { account, address, pair } = keys(email, ip);
      await take(() => perPair.consume(pair));
      await take(() => perAccount.consume(account));
      await take(
        () => perIp.consume(address),
        async () => (await known.get(pair)) !== null,
      );
    },
    async succeeded(email: string, ip: string): Promise<void> {
      const { account, address, pair } = keys(email, ip);
      await Promise.all([
        perPair.delete(pair),
        perAccount.reward(account, 1),
        perIp.reward(address, 1),
        known.set(pair, 1, KNOWN_SECONDS),
      ]);
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
