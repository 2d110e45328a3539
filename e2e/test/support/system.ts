import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase } from '@portico/db';
import { type Served, serve } from '@portico/lifecycle';
import { createLogger } from '@portico/logging';
import { createAuthService } from '../../../auth-service/src/app.js';
import { readConfig as readAuthConfig } from '../../../auth-service/src/config.js';
import { createGateway } from '../../../gateway/src/app.js';
import { loadGatewayConfig } from '../../../gateway/src/config.js';
import { createInventoryService } from '../../../inventory-service/src/app.js';
import { readConfig as readInventoryConfig } from '../../../inventory-service/src/config.js';
import { createOrderService } from '../../../order-service/src/app.js';
import { readConfig as readOrderConfig } from '../../../order-service/src/config.js';
import { createUserService } from '../../../user-service/src/app.js';
import { readConfig as readUserConfig } from '../../../user-service/src/config.js';

export const ADMIN = { email: 'admin@portico.test', password: 'admin-password-123' };

export type System = {
  gateway: string;
  auth: string;
  user: string;
  order: string;
  inventory: string;
  stop: () => Promise<void>;
};

const silent = (service: string) => createLogger({ service, level: 'silent' });

/**
 * The whole of Portico in one process: every service on its own SQLite file
 * and its own port (127.0.0.1, port 0), talking over real HTTP, and the
 * gateway in front. Each service verifies tokens against the auth service's JWKS.
 */
export async function startSystem(): Promise<System> {
  const dir = mkdtempSync(join(tmpdir(), 'portico-e2e-'));
  const served: Served[] = [];
  const closers: (() => Promise<void>)[] = [];
  const db = <T>(service: string) => {
    const database = createDatabase<T>({ url: join(dir, `${service}.db`), service });
    closers.push(() => database.close());
    return database;
  };
  const listen = async (app: Parameters<typeof serve>[0], service: string) => {
    const s = await serve(app, { port: 0, host: '127.0.0.1', logger: silent(service) });
    served.push(s);
    return s.url;
  };

  const authConfig = readAuthConfig({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
  const auth = await createAuthService({
    config: authConfig,
    database: db('auth'),
    logger: silent('auth-service'),
    validateResponses: true,
  });
  const authUrl = await listen(auth.app, 'auth-service');
  const env = { AUTH_SERVICE_URL: authUrl };

  const user = await createUserService({
    config: readUserConfig(env),
    database: db('user'),
    logger: silent('user-service'),
    validateResponses: true,
  });
  closers.push(user.close);
  const userUrl = await listen(user.app, 'user-service');
  const order = await createOrderService({
    config: readOrderConfig(env),
    database: db('order'),
    logger: silent('order-service'),
    validateResponses: true,
  });
  const orderUrl = await listen(order.app, 'order-service');
  const inventory = await createInventoryService({
    config: readInventoryConfig({ ...env, SEED_DEMO_DATA: '1' }),
    database: db('inventory'),
    logger: silent('inventory-service'),
    validateResponses: true,
  });
  const inventoryUrl = await listen(inventory.app, 'inventory-service');

  const gateway = createGateway({
    config: loadGatewayConfig({
      AUTH_SERVICE_URL: authUrl,
      USER_SERVICE_URL: userUrl,
      ORDER_SERVICE_URL: orderUrl,
      INVENTORY_SERVICE_URL: inventoryUrl,
    }),
    logger: silent('gateway'),
  });
  closers.push(gateway.close);
  const gatewayUrl = await listen(gateway.listener, 'gateway');

  return {
    gateway: gatewayUrl,
    auth: authUrl,
    user: userUrl,
    order: orderUrl,
    inventory: inventoryUrl,
    stop: async () => {
      for (const s of served.reverse()) await s.close();
      for (const close of closers) await close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A JSON call: status, headers and parsed body. */
export async function call(
  base: string,
  path: string,
  options: {
    method?: string;
    body?: unknown;
    token?: string;
    headers?: Record<string, string>;
  } = {},
) {
  const res = await fetch(`${base}${path}`, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(options.body !== undefined && { 'content-type': 'application/json' }),
      ...(options.token && { authorization: `Bearer ${options.token}` }),
      ...options.headers,
    },
    ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}
