import { z } from 'zod';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Where loadConfig puts the variable's value, quoted. Only fields whose value is
 * safe to print use it: never a secret, nor a URL that may carry a password.
 */
export const GOT_VALUE = ', got {value}';

/** A field's own wording, read after the variable's name: `PORT must be …, got "abc"`. */
const mustBe = (what: string) => ({ error: `must be ${what}${GOT_VALUE}` });

export const isProduction = (env: Env = process.env): boolean => env.NODE_ENV === 'production';

/** A TCP port, with the default from docs/architecture.md's table. */
export const port = (fallback: number) => {
  const error = mustBe('a port number 0–65535');
  return z.coerce.number(error).int(error).min(0, error).max(65535, error).default(fallback);
};

/** A positive whole number, such as a timeout or a TTL. */
export const positiveInt = (fallback: number) => {
  const error = mustBe('a whole number above 0');
  return z.coerce.number(error).int(error).positive(error).default(fallback);
};

export const nonNegativeInt = (fallback: number) => {
  const error = mustBe('a whole number, 0 or more');
  return z.coerce.number(error).int(error).min(0, error).default(fallback);
};

/** An http(s) URL without a trailing slash. */
export const httpUrl = (fallback: string) =>
  z
    .url({ protocol: /^https?$/, ...mustBe('an http(s) URL') })
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

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const logLevel = () =>
  z.enum(LOG_LEVELS, mustBe(`one of ${LOG_LEVELS.join(', ')}`)).default('info');

/** Checked here so a wrong value is a config error, not a logger's stack trace; @portico/logging reads it. */
export const logFormat = () => z.enum(['pretty', 'json'], mustBe('pretty or json')).optional();

/**
 * Secret values published in this repository: the development defaults of
 * every service client and the sample in .env.example. Anyone can read them,
 * so production refuses them however long they are (issue 12).
 */
export const PUBLISHED_SECRETS: readonly string[] = [
  ...['gateway', 'user-service', 'order-service', 'inventory-service'].map(
    (id) => `dev-secret-${id}-change-me`,
  ),
  'gateway=...,user-service=...,order-service=...,inventory-service=...',
];

/** Words that mark a placeholder someone meant to replace. */
const PLACEHOLDER = /change[-_ ]?me|example|placeholder/i;

/** True when `value` is, or holds, a published secret or a placeholder. */
export const isPublishedSecret = (value: string): boolean =>
  PLACEHOLDER.test(value) || PUBLISHED_SECRETS.some((published) => value.includes(published));

/**
 * A listener other machines can reach. The development secrets are published in
 * this repository, so on such a listener they would hand anyone a service token
 * (issue 12): there they are refused as in production.
 */
export const isExposed = (env: Env = process.env): boolean => {
  const host = env.HOST;
  return host !== undefined && host !== 'localhost' && host !== '::1' && !host.startsWith('127.');
};

/**
 * A secret. On a loopback listener outside production it falls back to a
 * development value so `npm start` works on a bare machine; under
 * NODE_ENV=production, or when HOST is reachable from other machines, it must
 * be set, at least 16 characters, and none of the values published in this
 * repository, so nothing reachable runs on a published default. The value is
 * never echoed.
 */
export function secret(devDefault: string, env: Env = process.env) {
  if (!isProduction(env) && !isExposed(env)) return z.string().min(1).default(devDefault);
  const exposed = isProduction(env)
    ? ''
    : ` (HOST=${env.HOST} is reachable from other machines; or listen on 127.0.0.1)`;
  return z
    .string({ error: `set your own${exposed}; see .env.example` })
    .min(16, `must be at least 16 characters${exposed}`)
    .refine((value) => !isPublishedSecret(value), {
      error:
        'must not be a development default or an example value published in this repository ' +
        `(anything with "change-me" or "example")${exposed}; set a random one as .env.example says`,
    });
}

/** Where each process listens by default (docs/architecture.md, "Ports and routes"). */
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
