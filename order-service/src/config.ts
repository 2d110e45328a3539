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
    }),
    env,
  );
}

export type OrderConfig = ReturnType<typeof readConfig>;
