import { z } from 'zod';
import {
  DEFAULT_URLS,
  httpUrl,
  logFormat,
  logLevel,
  port,
  redisPrefix,
  redisUrl,
  secret,
  tokenAudience,
  tokenIssuer,
} from './fields.js';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The variables every domain service reads (docs/architecture.md, "Environment"): where it
 * listens, its own database, Redis, where the auth service is, the token
 * settings it verifies against, and its own client secret for service tokens.
 * A service spreads this into its schema and adds its own.
 */
export function serviceEnvShape(
  options: { port: number; clientId: string },
  env: Env = process.env,
) {
  return {
    NODE_ENV: z.string().default('development'),
    PORT: port(options.port),
    HOST: z.string().default('127.0.0.1'),
    DATABASE_URL: z.string().optional(),
    DATA_DIR: z.string().default('./data'),
    REDIS_URL: redisUrl(),
    REDIS_PREFIX: redisPrefix(),
    LOG_LEVEL: logLevel(),
    LOG_FORMAT: logFormat(),
    AUTH_SERVICE_URL: httpUrl(DEFAULT_URLS.auth),
    TOKEN_ISSUER: tokenIssuer(),
    TOKEN_AUDIENCE: tokenAudience(),
    SERVICE_CLIENT_ID: z.string().default(options.clientId),
    SERVICE_CLIENT_SECRET: secret(`dev-secret-${options.clientId}-change-me`, env),
    TRUST_PROXY: z.string().default('loopback, uniquelocal'),
  };
}
