import { loadConfig, serviceEnvShape } from '@portico/config';
import { z } from 'zod';

type Env = Readonly<Record<string, string | undefined>>;

export function readConfig(env: Env = process.env) {
  return loadConfig(z.object(serviceEnvShape({ port: 8002, clientId: 'order-service' }, env)), env);
}

export type OrderConfig = ReturnType<typeof readConfig>;
