import { DEFAULT_URLS, httpUrl, loadConfig, positiveInt, serviceEnvShape } from '@portico/config';
import { z } from 'zod';

type Env = Readonly<Record<string, string | undefined>>;

export function readConfig(env: Env = process.env) {
  return loadConfig(
    z.object({
      ...serviceEnvShape({ port: 8002, clientId: 'order-service' }, env),
      USER_SERVICE_URL: httpUrl(DEFAULT_URLS.user),
      INVENTORY_SERVICE_URL: httpUrl(DEFAULT_URLS.inventory),
      /** How long an order waits for inventory's answer before it is cancelled and compensated. */
      SAGA_TIMEOUT_MS: positiveInt(30_000),
      /** Per-try timeout of the user check. */
      UPSTREAM_TIMEOUT_MS: positiveInt(2000),
      /** How long a user's status is trusted without a `user.*` event. */
      USER_CACHE_TTL_SECONDS: positiveInt(30),
      USER_CACHE_NEGATIVE_TTL_SECONDS: positiveInt(5),
      /** Order event streams open at once in this process; past it, 503 with Retry-After. */
      ORDER_STREAMS_MAX: positiveInt(1000),
      /** Order event streams one user may hold open at once; past it, 429. */
      ORDER_STREAMS_PER_USER: positiveInt(5),
      /** How often open streams re-read their orders (one query for all of them). */
      ORDER_STREAM_POLL_MS: positiveInt(300),
    }),
    env,
  );
}

export type OrderConfig = ReturnType<typeof readConfig>;
