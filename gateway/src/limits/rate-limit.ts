import type { IncomingMessage, ServerResponse } from 'node:http';
import { COMMON_ERRORS, problemFrom, TooManyRequestsError, writeProblem } from '@portico/errors';
import type { Logger } from '@portico/logging';
import {
  type ClientRateLimitInfo,
  ipKeyGenerator,
  type Options,
  type Store,
} from 'express-rate-limit';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { GATEWAY_ERRORS } from '../errors.js';
import type { Exchange } from '../exchange.js';
import type { Stage } from '../pipeline.js';
import { sendProblem } from '../problems.js';
import { bufferLoginBody, loginEmail } from './login-body.js';
import { createRateLimitMetrics, type RateLimitMetrics } from './rate-limit-metrics.js';
import { createRateLimitStores, type StoreKind } from './rate-limit-store.js';

const WINDOW_MS = 60_000;
/** The JSON login and the hosted login page's form: one budget for both, so neither adds guesses. */
const LOGIN_PATHS = new Set(['/api/v1/auth/login', '/api/v1/auth/authorize']);
/** Shared by every replica, so their counts add up. */
export const REDIS_KEY_PREFIX = 'portico:rl:';

type Policy = {
  name: 'caller' | 'login' | 'token';
  limit: number;
  code: string;
  detail: string;
  key: (exchange: Exchange) => string;
};

/** The client's address as the socket saw it (the gateway trusts no forwarding header). */
function clientAddress(req: IncomingMessage): string {
  // An IPv6 client is one /56 (express-rate-limit's default), or rotating through its own /64 would evade the limit.
  return ipKeyGenerator(req.socket.remoteAddress ?? 'unknown');
}

/**
 * A pipeline stage over an express-rate-limit store: count the request under
 * its key, note the IETF draft-7 `RateLimit-Policy` and `RateLimit` headers
 * for the answer, and refuse with a 429 problem past the limit. It is what
 * express-rate-limit's `rateLimit()` middleware does with these settings
 * (fixed window, draft-7 headers, no legacy headers, store errors not
 * swallowed), without its per-request cost: the middleware awaited six times
 * and built its headers with `setHeader` on every request, and was the
 * largest single cost among the gateway's stages (measured, see
 * bench/README.md).
 */
function limiterStage(policy: Policy, store: Store, metrics: RateLimitMetrics): Stage {
  // Stores read only `windowMs` of the middleware's options (MemoryStore, rate-limit-redis).
  store.init?.({ windowMs: WINDOW_MS } as Options);
  const policyHeader = `${policy.limit};w=${WINDOW_MS / 1000}`;

  const decide = (exchange: Exchange, counted: ClientRateLimitInfo): boolean => {
    const { limit } = policy;
    const resetMs = counted.resetTime ? counted.resetTime.getTime() - Date.now() : WINDOW_MS;
    exchange.rateLimitPolicy = policyHeader;
    exchange.rateLimit = `limit=${limit}, remaining=${Math.max(limit - counted.totalHits, 0)}, reset=${Math.max(0, Math.ceil(resetMs / 1000))}`;
    if (counted.totalHits <= limit) return true;
    metrics.limited(exchange.route.pattern, policy.name);
    sendProblem(exchange, new TooManyRequestsError(resetMs / 1000, policy.detail, policy.code));
    return false;
  };

  return (exchange) => {
    const counted = store.increment(policy.key(exchange));
    return counted instanceof Promise
      ? counted.then((info) => decide(exchange, info))
      : decide(exchange, counted);
  };
}

export type RateLimits = {
  /** Every routed request: per verified user, per client address when anonymous. */
  perCaller: Stage;
  /**
   * The per-caller limit of a route with `rateLimitPerMinute` of its own: a
   * budget per caller for that route alone, made once per pattern and limit
   * (a reload that keeps them keeps the counts). Unset: `perCaller`.
   */
  forRoute: (pattern: string, perMinute: number | undefined) => Stage;
  /** `POST /api/v1/auth/login` and the login form: per client address and email; reads the (small) body. */
  login: Stage;
  /**
   * Per client address, each token the gateway must check in full (not one it
   * has verified before) or refuse: a flood of forged tokens costs an ES256
   * verification each, so it is counted before the work (issue 12).
   */
  tokenChecks: Stage;
  /**
   * What the gateway answers itself (docs, spec, metrics, 404s, refused
   * `/internal/` spellings), per client address, in a budget of its own:
   * otherwise a flood of unknown paths or metric scrapes would cost nothing
   * (issue 12). True when the request may go on; else the 429 was written.
   */
  ownAnswers: (
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
  ) => boolean | Promise<boolean>;
  /** Where the counts go now. */
  store: () => StoreKind;
  close: () => void;
};

/**
 * The gateway's rate limits: one fixed one-minute window per key, counted in
 * Redis when there is one (so every replica shares the limit), else in memory.
 */
export function createRateLimits(options: {
  perMinute: number;
  loginPerMinute: number;
  redis?: Redis | undefined;
  /** Redis key prefix of the counters; defaults to REDIS_KEY_PREFIX. */
  prefix?: string;
  registry: Registry;
  logger: Logger;
}): RateLimits {
  const metrics = createRateLimitMetrics(options.registry);
  const stores = createRateLimitStores({
    redis: options.redis,
    prefix: options.prefix ?? REDIS_KEY_PREFIX,
    logger: options.logger,
    onChange: metrics.store,
  });

  const perCaller = limiterStage(
    {
      name: 'caller',
      limit: options.perMinute,
      code: COMMON_ERRORS.RATE_LIMITED.code,
      detail: `Too many requests: the limit is ${options.perMinute} a minute.`,
      key: (exchange) =>
        exchange.caller ? `user:${exchange.caller.sub}` : `ip:${clientAddress(exchange.req)}`,
    },
    stores.create('api'),
    metrics,
  );

  const routeLimits = new Map<string, Stage>();
  const forRoute = (pattern: string, perMinute: number | undefined): Stage => {
    if (perMinute === undefined) return perCaller;
    const name = `route:${pattern}:${perMinute}`;
    let stage = routeLimits.get(name);
    if (stage === undefined) {
      stage = limiterStage(
        {
          name: 'caller',
          limit: perMinute,
          code: COMMON_ERRORS.RATE_LIMITED.code,
          detail: `Too many requests to ${pattern}: the limit is ${perMinute} a minute.`,
          key: (exchange) =>
            exchange.caller ? `user:${exchange.caller.sub}` : `ip:${clientAddress(exchange.req)}`,
        },
        stores.create(name),
        metrics,
      );
      routeLimits.set(name, stage);
    }
    return stage;
  };

  const tokenChecks = limiterStage(
    {
      name: 'token',
      limit: options.perMinute,
      code: COMMON_ERRORS.RATE_LIMITED.code,
      detail: `Too many tokens to check from one address: the limit is ${options.perMinute} a minute.`,
      key: (exchange) => `token:${clientAddress(exchange.req)}`,
    },
    stores.create('token'),
    metrics,
  );

  const limitLogin = limiterStage(
    {
      name: 'login',
      limit: options.loginPerMinute,
      code: GATEWAY_ERRORS.LOGIN_RATE_LIMITED.code,
      detail: `Too many login attempts: the limit is ${options.loginPerMinute} a minute for one email from one address.`,
      key: (exchange) => {
        const address = clientAddress(exchange.req);
        const email = loginEmail(exchange.body, exchange.req.headers['content-type']);
        // A body without an email is limited by address alone; the auth service answers it 400.
        return email === undefined ? address : `${address}|${email}`;
      },
    },
    stores.create('login'),
    metrics,
  );

  const login: Stage = (exchange) => {
    if (!LOGIN_PATHS.has(exchange.path) || exchange.req.method !== 'POST') return true;
    const buffered = bufferLoginBody(exchange);
    if (buffered === true) return limitLogin(exchange);
    if (buffered === false) return false;
    return buffered.then((read) => (read ? limitLogin(exchange) : false));
  };

  const ownStore = stores.create('own');
  ownStore.init?.({ windowMs: WINDOW_MS } as Options);
  const ownAnswers = (req: IncomingMessage, res: ServerResponse, path: string) => {
    const decide = (counted: ClientRateLimitInfo) => {
      if (counted.totalHits <= options.perMinute) return true;
      metrics.limited('gateway', 'own');
      const resetMs = counted.resetTime ? counted.resetTime.getTime() - Date.now() : WINDOW_MS;
      const error = new TooManyRequestsError(
        resetMs / 1000,
        `Too many requests from one address: the limit is ${options.perMinute} a minute.`,
      );
      writeProblem(res, problemFrom(error, path), error.headers);
      return false;
    };
    const counted = ownStore.increment(`own:${clientAddress(req)}`);
    return counted instanceof Promise ? counted.then(decide) : decide(counted);
  };

  return {
    perCaller,
    forRoute,
    login,
    tokenChecks,
    ownAnswers,
    store: stores.kind,
    close: stores.close,
  };
}
