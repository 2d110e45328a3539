import { DEFAULT_URLS, httpUrl, loadConfig, serviceEnvShape } from '@portico/config';
import { z } from 'zod';

type Env = Readonly<Record<string, string | undefined>>;

export function readConfig(env: Env = process.env) {
  return loadConfig(
    z.object({
      ...serviceEnvShape({ port: 8003, clientId: 'inventory-service' }, env),
      /** The order service, whose `order.*` events the saga sends here (embedded feed). */
      ORDER_SERVICE_URL: httpUrl(DEFAULT_URLS.order),
      /** `1`: create a few demo products at start (npm start sets it). */
      SEED_DEMO_DATA: z.enum(['0', '1']).default('0'),
    }),
    env,
  );
}

export type InventoryConfig = ReturnType<typeof readConfig>;
