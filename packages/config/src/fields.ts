import { z } from 'zod';

type Env = Readonly<Record<string, string | undefined>>;

export const isProduction = (env: Env = process.env): boolean => env.NODE_ENV === 'production';

/** A TCP port, with the default from DESIGN.md's table. */
export const port = (fallback: number) =>
  z.coerce.number().int().min(0).max(65535).default(fallback);

/** A positive whole number, such as a timeout or a TTL. */
export const positiveInt = (fallback: number) =>
  z.coerce.number().int().positive().default(fallback);

export const nonNegativeInt = (fallback: number) =>
  z.coerce.number().int().min(0).default(fallback);

/** An http(s) URL without a trailing slash. */
export const httpUrl = (fallback: string) =>
  z
    .url({ protocol: /^https?$/ })
    .default(fallback)
    .transform((u) => u.replace(/\/+$/, ''));

/** A redis:// URL; unset means embedded mode. */
export const redisUrl = () => z.url({ protocol: /^rediss?$/ }).optional();

/** The first segment of every Redis key, so deployments (or test runs) can share one Redis. */
export const redisPrefix = () =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/)
    .default('portico');

export const logLevel = () =>
  z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');

/**
 * A secret. Outside production it falls back to a development value so
 * `npm start` works on a bare machine; under NODE_ENV=production it must be set
 * and at least 16 characters, so no deployment can run on a published default.
 */
export function secret(devDefault: string, env: Env = process.env) {
  return isProduction(env)
    ? z.string().min(16, 'must be at least 16 characters')
    : z.string().min(1).default(devDefault);
}

/** Where each process listens by default (DESIGN.md, "Ports and routes"). */
export const DEFAULT_URLS = {
  gateway: 'http://127.0.0.1:8080',
  user: 'http://127.0.0.1:8001',
  order: 'http://127.0.0.1:8002',
  inventory: 'http://127.0.0.1:8003',
  auth: 'http://127.0.0.1:8004',
} as const;

/**
 * The token settings issuer and verifiers must agree on: `iss` (the public base
 * URL, where discovery lives) and `aud` (the Portico API).
 */
export const tokenIssuer = () => z.string().min(1).default(DEFAULT_URLS.gateway);
export const tokenAudience = () => z.string().min(1).default('portico-api');
