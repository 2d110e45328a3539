import {
  httpUrl,
  isProduction,
  loadConfig,
  logFormat,
  logLevel,
  nonNegativeInt,
  port,
  positiveInt,
  redisPrefix,
  redisUrl,
  secret,
  tokenAudience,
  tokenIssuer,
} from '@portico/config';
import { z } from 'zod';

type Env = Readonly<Record<string, string | undefined>>;

/** One origin as a browser sends it in `Origin`: scheme, host and port, nothing else. */
function isOrigin(value: string): boolean {
  if (value === '*') return true;
  try {
    return new URL(value).origin === value;
  } catch {
    return false;
  }
}

/** `https://a.example, https://b.example` → a list; `*` allows any origin. Unset: CORS off. */
const corsOrigins = () =>
  z
    .string()
    .transform((raw) =>
      raw
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    )
    .refine((origins) => origins.length > 0 && origins.every(isOrigin), {
      message: 'must be a comma-separated list of origins such as https://app.example.com, or *',
    })
    .optional();

/** The gateway's schema; secrets get no default under NODE_ENV=production. */
export const gatewayConfigSchemaFor = (env: Env) =>
  z.object({
    PORT: port(8080),
    HOST: z.string().min(1).default('127.0.0.1'),
    AUTH_SERVICE_URL: httpUrl('http://127.0.0.1:8004'),
    USER_SERVICE_URL: httpUrl('http://127.0.0.1:8001'),
    ORDER_SERVICE_URL: httpUrl('http://127.0.0.1:8002'),
    INVENTORY_SERVICE_URL: httpUrl('http://127.0.0.1:8003'),
    /**
     * The routes file (YAML or JSON; docs/configuration.md "Routes file"); unset:
     * gateway/routes.yaml, the shipped table. Read again on SIGHUP.
     */
    GATEWAY_ROUTES_FILE: z.string().min(1).optional(),
    /** Per try; a slower upstream answer is a 504. */
    UPSTREAM_TIMEOUT_MS: positiveInt(5000),
    /** Tries after the first, for repeatable requests on connection errors, 502 and 503. */
    UPSTREAM_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
    /** How long a server-sent event stream may pass with nothing from its upstream before it is closed. */
    STREAM_IDLE_TIMEOUT_MS: positiveInt(60_000),
    /** Consecutive upstream faults (no answer, timeout, a 5xx other than 503 + Retry-After) that open its circuit. */
    BREAKER_FAILURE_THRESHOLD: positiveInt(5),
    /** How long an open circuit answers 503 before one trial call may go through. */
    BREAKER_HALF_OPEN_AFTER_MS: positiveInt(10_000),
    BODY_LIMIT_BYTES: positiveInt(1024 * 1024),
    CORS_ORIGINS: corsOrigins(),
    /** Requests a minute per verified user, or per client address when anonymous. */
    RATE_LIMIT_PER_MINUTE: positiveInt(600),
    /** `POST /api/v1/auth/login` attempts a minute per client address and email. */
    LOGIN_RATE_LIMIT_PER_MINUTE: positiveInt(10),
    /**
     * Connections served at a time per client address (IPv6 by /56); the next
     * wait unread until one closes. 0: no limit, the default, since behind a
     * load balancer every client has the balancer's address (SECURITY.md).
     */
    MAX_CONNECTIONS_PER_ADDRESS: nonNegativeInt(0),
    REDIS_URL: redisUrl(),
    REDIS_PREFIX: redisPrefix(),
    LOG_LEVEL: logLevel(),
    LOG_FORMAT: logFormat(),
    TOKEN_ISSUER: tokenIssuer(),
    TOKEN_AUDIENCE: tokenAudience(),
    /** The gateway's own client-credentials login, for `/internal/` user look-ups. */
    SERVICE_CLIENT_ID: z.string().default('gateway'),
    SERVICE_CLIENT_SECRET: secret('dev-secret-gateway-change-me', env),
    /**
     * The public OAuth client the `/docs` Authorize button logs in as. The auth
     * service registers `portico-docs` outside production; in production, name
     * one you registered (OAUTH_CLIENTS), or leave it unset for pasted tokens.
     */
    DOCS_OAUTH_CLIENT_ID: isProduction(env)
      ? z.string().min(1).optional()
      : z.string().min(1).default('portico-docs'),
    /** The public OAuth client of the demo SPA at `/demo/` (`portico-demo` outside production); unset: no demo. */
    DEMO_OAUTH_CLIENT_ID: isProduction(env)
      ? z.string().min(1).optional()
      : z.string().min(1).default('portico-demo'),
    /** Bearer token for `/metrics` and readiness detail; unset: loopback peers only. */
    METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    /** Verified tokens kept in memory (each until its `exp`). */
    TOKEN_CACHE_MAX: positiveInt(50_000),
    /** How long a user's status is trusted without a `user.*` event. */
    USER_CACHE_TTL_SECONDS: positiveInt(60),
    /** How long "no such user" is remembered. */
    USER_CACHE_NEGATIVE_TTL_SECONDS: positiveInt(5),
  });

export type GatewayConfig = Readonly<z.infer<ReturnType<typeof gatewayConfigSchemaFor>>>;

/** Parses the gateway's environment; throws a ConfigError naming each bad variable. */
export function loadGatewayConfig(env: Env = process.env): GatewayConfig {
  return loadConfig(gatewayConfigSchemaFor(env), env);
}
