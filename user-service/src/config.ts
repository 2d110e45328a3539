import { loadConfig, positiveInt, serviceEnvShape } from '@portico/config';
import { z } from 'zod';

type Env = Readonly<Record<string, string | undefined>>;

export function readConfig(env: Env = process.env) {
  return loadConfig(
    z.object({
      ...serviceEnvShape({ port: 8001, clientId: 'user-service' }, env),
      /** Per-try timeout of calls to the auth service. */
      UPSTREAM_TIMEOUT_MS: positiveInt(2000),
    }),
    env,
  );
}

export type UserConfig = ReturnType<typeof readConfig>;
