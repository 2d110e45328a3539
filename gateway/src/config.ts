import {
  httpUrl,
  loadConfig,
  loadConfigOrExit,
  logLevel,
  port,
  positiveInt,
  redisUrl,
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

export const gatewayConfigSchema = z.object({
  PORT: port(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  AUTH_SERVICE_URL: httpUrl('http://127.0.0.1:8004'),
  USER_SERVICE_URL: httpUrl('http://127.0.0.1:8001'),
  ORDER_SERVICE_URL: httpUrl('http://127.0.0.1:8002'),
  INVENTORY_SERVICE_URL: httpUrl('http://127.0.0.1:8003'),
  /** Per try; a slower upstream answer is a 504. */
  UPSTREAM_TIMEOUT_MS: positiveInt(5000),
  /** Read now so a bad value fails at start; the retry stage that uses it comes later. */
  UPSTREAM_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  BODY_LIMIT_BYTES: positiveInt(1024 * 1024),
  CORS_ORIGINS: corsOrigins(),
  REDIS_URL: redisUrl(),
  LOG_LEVEL: logLevel(),
});

export type GatewayConfig = Readonly<z.infer<typeof gatewayConfigSchema>>;

/** Parses the gateway's environment; throws a ConfigError naming each bad variable. */
export function loadGatewayConfig(env: Env = process.env): GatewayConfig {
  return loadConfig(gatewayConfigSchema, env);
}

/** As loadGatewayConfig, but prints the problem and exits, as server.ts wants. */
export function loadGatewayConfigOrExit(env: Env = process.env): GatewayConfig {
  return loadConfigOrExit(gatewayConfigSchema, env);
}
