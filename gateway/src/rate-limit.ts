import type { IncomingMessage, ServerResponse } from 'node:http';
import { TooManyRequestsError } from '@portico/errors';
import type { Logger } from '@portico/logging';
import { type AugmentedRequest, ipKeyGenerator, rateLimit, type Store } from 'express-rate-limit';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { type Exchange, exchangeOf } from './exchange.js';
import { bufferLoginBody, loginEmail } from './login-body.js';
import type { Stage } from './pipeline.js';
import { sendProblem } from './problems.js';
import { createRateLimitMetrics, type RateLimitMetrics } from './rate-limit-metrics.js';
import { createRateLimitStores, type StoreKind } from './rate-limit-store.js';

const WINDOW_MS = 60_000;
const LOGIN_PATH = '/api/v1/auth/login';
/** Shared by every replica, so their counts add up. */
export const REDIS_KEY_PREFIX = 'portico:rl:';

/** express-rate-limit's middleware, as node:http sees it (its types say express). */
type Limiter = (
  req: IncomingMessage,
  res: ServerResponse,
  next: (outcome?: unknown) => void,
) => Promise<void>;

/** What the 429 handler passes to `next`: the stage has answered. */
const REFUSED = Symbol('rate limited');

type Policy = {
  name: 'caller' | 'login';
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
 * A pipeline stage around express-rate-limit's `rateLimit()`, which runs on bare
 * node:http once given its key and 429 handler. Cheap settings, measured on the
 * hot path: no validations (one WeakMap write per request), no legacy
 * `X-RateLimit-*` headers, and draft-7 `RateLimit`/`RateLimit-Policy` headers
 * (draft-8 hashes every key with SHA-256 for its partition key).
 */
function limiterStage(policy: Policy, store: Store, metrics: RateLimitMetrics): Stage {
  const limiter = rateLimit({
    windowMs: WINDOW_MS,
    limit: policy.limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    validate: false,
    store,
    keyGenerator: (req) => policy.key(exchangeOf(req)!),
    handler: (req, res, next) => {
      const exchange = exchangeOf(req)!;
      const { resetTime } = (req as AugmentedRequest).rateLimit;
      const seconds = resetTime ? (resetTime.getTime() - Date.now()) / 1000 : WINDOW_MS / 1000;
      metrics.limited(exchange.route.pattern, policy.name);
      sendProblem(
        res,
        new TooManyRequestsError(seconds, policy.detail, policy.code),
        exchange.path,
      );
      next(REFUSED);
    },
  }) as unknown as Limiter;

  return (exchange) =>
    new Promise<boolean>((resolve, reject) => {
      void limiter(exchange.req, exchange.res, (outcome) => {
        if (outcome === undefined) resolve(true);
        else if (outcome === REFUSED) resolve(false);
        else reject(outcome);
      });
    });
}

export type RateLimits = {
  /** Every routed request: per verified user, per client address when anonymous. */
  perCaller: Stage;
  /** `POST /api/v1/auth/login`: per client address and email; reads the (small) body. */
  login: Stage;
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
      code: 'RATE_LIMITED',
      detail: `Too many requests: the limit is ${options.perMinute} a minute.`,
      key: (exchange) =>
        exchange.caller ? `user:${exchange.caller.sub}` : `ip:${clientAddress(exchange.req)}`,
    },
    stores.create('api'),
    metrics,
  );

  const limitLogin = limiterStage(
    {
      name: 'login',
      limit: options.loginPerMinute,
      code: 'LOGIN_RATE_LIMITED',
      detail: `Too many login attempts: the limit is ${options.loginPerMinute} a minute for one email from one address.`,
      key: (exchange) => {
        const address = clientAddress(exchange.req);
        const email = loginEmail(exchange.body);
        // A body without an email is limited by address alone; the auth service answers it 400.
        return email === undefined ? address : `${address}|${email}`;
      },
    },
    stores.create('login'),
    metrics,
  );

  const login: Stage = (exchange) => {
    if (exchange.path !== LOGIN_PATH || exchange.req.method !== 'POST') return true;
    const buffered = bufferLoginBody(exchange);
    if (buffered === true) return limitLogin(exchange);
    if (buffered === false) return false;
    return buffered.then((read) => (read ? limitLogin(exchange) : false));
  };

  return { perCaller, login, store: stores.kind, close: stores.close };
}
