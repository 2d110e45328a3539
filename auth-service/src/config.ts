import {
  DEFAULT_URLS,
  httpUrl,
  isProduction,
  loadConfig,
  logFormat,
  logLevel,
  port,
  positiveInt,
  redisPrefix,
  redisUrl,
  secret,
  tokenAudience,
  tokenIssuer,
} from '@portico/config';
import { z } from 'zod';
import { isCommonPassword } from './domain/common-passwords.js';
import { SERVICE_CLIENTS } from './domain/service-clients.js';
import { oauthClientsField, oauthClientsFileField } from './oauth/client-config.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Verifiers refuse a token issued for longer than 24 h (token-auth's maxTokenAgeSeconds). */
const tokenLifetime = (fallback: number) =>
  positiveInt(fallback).refine((seconds) => seconds <= 86_400, {
    error: 'must be at most 86400 seconds: every verifier refuses tokens issued for longer',
  });

/** `id=secret,id=secret` → a map; in development each known client gets a default. */
function clientSecrets(env: Env) {
  const devDefault = Object.keys(SERVICE_CLIENTS)
    .map((id) => `${id}=dev-secret-${id}-change-me`)
    .join(',');
  return secret(devDefault, env).transform((value, ctx) => {
    const secrets: Record<string, string> = {};
    for (const pair of value.split(',')) {
      const [id, clientSecret] = pair.split('=').map((part) => part.trim());
      if (!id || !clientSecret || !Object.hasOwn(SERVICE_CLIENTS, id) || clientSecret.length < 16) {
        ctx.addIssue({
          code: 'custom',
          message: `"${id}" needs a known client id and a secret of 16+ characters`,
        });
        return z.NEVER;
      }
      secrets[id] = clientSecret;
    }
    return secrets;
  });
}

/** In production a common password is refused; elsewhere server start warns about it. */
function adminPassword(env: Env) {
  const field = z.string().min(8).max(256);
  return (
    isProduction(env)
      ? field.refine((value) => !isCommonPassword(value), {
          error: 'must not be one of the most common passwords of published breaches',
        })
      : field
  ).optional();
}

export function readConfig(env: Env = process.env) {
  const schema = z.object({
    NODE_ENV: z.string().default('development'),
    PORT: port(8004),
    HOST: z.string().default('127.0.0.1'),
    DATABASE_URL: z.string().optional(),
    DATA_DIR: z.string().default('./data'),
    REDIS_URL: redisUrl(),
    REDIS_PREFIX: redisPrefix(),
    LOG_LEVEL: logLevel(),
    LOG_FORMAT: logFormat(),
    TOKEN_ISSUER: tokenIssuer(),
    TOKEN_AUDIENCE: tokenAudience(),
    PUBLIC_BASE_URL: httpUrl('http://127.0.0.1:8080'),
    /** Where the user service's event feed is (embedded mode): `user.disabled` revokes sessions. */
    USER_SERVICE_URL: httpUrl(DEFAULT_URLS.user),
    ACCESS_TOKEN_TTL_SECONDS: tokenLifetime(900),
    REFRESH_TOKEN_TTL_SECONDS: positiveInt(1_209_600),
    SERVICE_TOKEN_TTL_SECONDS: tokenLifetime(600),
    KEY_ROTATION_INTERVAL_SECONDS: positiveInt(30 * 24 * 3600),
    /** Manual rotations (POST /api/v1/auth/keys/rotate): on average one per this many seconds, two back to back. */
    KEY_ROTATION_MIN_INTERVAL_SECONDS: positiveInt(60),
    LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: positiveInt(10),
    LOGIN_MAX_FAILURES_PER_IP: positiveInt(100),
    LOGIN_THROTTLE_WINDOW_SECONDS: positiveInt(900),
    /** Registrations from one address per REGISTRATION_WINDOW_SECONDS, counted before hashing. */
    REGISTRATION_MAX_PER_ADDRESS: positiveInt(20),
    REGISTRATION_WINDOW_SECONDS: positiveInt(600),
    /** Registrations a minute for the whole deployment. */
    REGISTRATION_MAX_PER_MINUTE: positiveInt(600),
    ADMIN_EMAIL: z.email().optional(),
    ADMIN_PASSWORD: adminPassword(env),
    SERVICE_CLIENT_SECRETS: clientSecrets(env),
    TRUST_PROXY: z.string().default('loopback, uniquelocal'),
    /** OAuth clients (browser apps, servers) as JSON, or the path of a JSON file; see oauth/client-config.ts. */
    OAUTH_CLIENTS: oauthClientsField(env),
    OAUTH_CLIENTS_FILE: oauthClientsFileField(env),
  });
  return loadConfig(schema, env);
}

export type AuthConfig = ReturnType<typeof readConfig>;
