import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { RequestListener } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase } from '@portico/db';
import { type Served, serve } from '@portico/lifecycle';
import { createLogger } from '@portico/logging';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createAuthService } from '../../../auth-service/src/app.js';
import { readConfig as readAuthConfig } from '../../../auth-service/src/config.js';
import { createTokenIssuer } from '../../../auth-service/src/domain/token-issuer.js';
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
  /** Makes one service drop every connection (as if it were down) until `bringUp`. */
  takeDown: (service: 'auth' | 'user' | 'order' | 'inventory') => void;
  /** Makes one service accept requests and never answer them (as if it hung) until `bringUp`. */
  stall: (service: 'auth' | 'user' | 'order' | 'inventory') => void;
  bringUp: (service: 'auth' | 'user' | 'order' | 'inventory') => void;
  /**
   * Signs a user access token with the auth service's live key, for any subject:
   * what a token for an account the user service has never heard of looks like.
   */
  signUserToken: (subject: string, roles?: readonly string[]) => Promise<string>;
  stop: () => Promise<void>;
};

const silent = (service: string) => createLogger({ service, level: 'silent' });

/** A listening server whose handler is set later, so every URL is known before any app is built. */
type Slot = Served & {
  attach: (listener: RequestListener) => void;
  setState: (state: 'up' | 'down' | 'stalled') => void;
};

async function slot(service: string): Promise<Slot> {
  let handler: RequestListener = (_req, res) => res.writeHead(503).end();
  let state: 'up' | 'down' | 'stalled' = 'up';
  // A stalled request is never answered: the caller's timeout has to end it.
  const listener: RequestListener = (req, res) => {
    if (state === 'down') req.socket.destroy();
    else if (state === 'up') handler(req, res);
  };
  const served = await serve(listener, {
    port: 0,
    host: '127.0.0.1',
    logger: silent(service),
    drainMs: 200,
  });
  return {
    ...served,
    attach: (listener) => {
      handler = listener;
    },
    setState: (value) => {
      state = value;
    },
  };
}

/**
 * The whole of Portico in one process: every service on its own SQLite file
 * and its own port (127.0.0.1, port 0), talking over real HTTP (REST and the
 * embedded event feeds), and the gateway in front. Each service verifies
 * tokens against the auth service's JWKS.
 */
export type SystemOptions = {
  env?: Record<string, string>;
  /** Production-style parts: Redis (cache tier, shared rate limits, Redis Streams events). */
  redisUrl?: string | undefined;
  /**
   * Production-style databases: through this superuser URL, each service gets a
   * fresh PostgreSQL database and its own login role (no other role may connect),
   * all dropped by `stop()`. Unset: a SQLite file per service.
   */
  postgres?: { adminUrl: string } | undefined;
};

/** One service's own PostgreSQL database and login role. */
export type ServiceDatabase = { service: string; name: string; role: string; url: string };

/**
 * Creates, per service, a database and a login role of the same fresh name
 * (`portico_<service>_<random>`, with a random password) that owns it; CONNECT is
 * revoked from PUBLIC, so no other service's role can open it. `dropAll` removes
 * every database and role it made (databases first: a role cannot be dropped
 * while it owns one).
 */
export function isolatedPostgres(adminUrl: string) {
  const made: ServiceDatabase[] = [];
  const asAdmin = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  return {
    async create(service: string): Promise<ServiceDatabase> {
      const name = `portico_${service.replaceAll('-', '_')}_${randomBytes(4).toString('hex')}`;
      const password = randomBytes(18).toString('base64url');
      await asAdmin(async (admin) => {
        // Identifiers are generated above (lowercase, digits, _): safe to inline.
        await admin.query(`CREATE ROLE ${name} LOGIN PASSWORD '${password}'`);
        await admin.query(`CREATE DATABASE ${name} OWNER ${name}`);
        await admin.query(`REVOKE ALL ON DATABASE ${name} FROM PUBLIC`);
        await admin.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${name} TO ${name}`);
      });
      const url = new URL(adminUrl);
      url.username = name;
      url.password = password;
      url.pathname = `/${name}`;
      const entry = { service, name, role: name, url: url.toString() };
      made.push(entry);
      return entry;
    },
    async dropAll(): Promise<void> {
      await asAdmin(async (admin) => {
        for (const { name, role } of made.splice(0)) {
          await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await admin.query(`DROP ROLE IF EXISTS ${role}`);
        }
      });
    },
  };
}

/** A Redis client per service, all under one fresh key prefix, and how to clean up after them. */
function redisParts(url: string | undefined) {
  if (!url) return undefined;
  const prefix = `e2e${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const clients: Redis[] = [];
  const client = () => {
    const redis = new Redis(url, { maxRetriesPerRequest: 1 });
    redis.on('error', () => {});
    clients.push(redis);
    return redis;
  };
  return {
    prefix,
    client,
    async cleanUp() {
      const admin = client();
      let cursor = '0';
      do {
        const [next, keys] = await admin.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
        if (keys.length > 0) await admin.del(...keys);
        cursor = next;
      } while (cursor !== '0');
      for (const redis of clients) redis.disconnect();
    },
  };
}

export async function startSystem(options: SystemOptions = {}): Promise<System> {
  const env = options.env ?? {};
  const redis = redisParts(options.redisUrl);
  const dir = mkdtempSync(join(tmpdir(), 'portico-e2e-'));
  const [gw, auth, user, order, inventory] = await Promise.all(
    ['gateway', 'auth', 'user', 'order', 'inventory'].map(slot),
  );
  const urls = {
    AUTH_SERVICE_URL: auth!.url,
    USER_SERVICE_URL: user!.url,
    ORDER_SERVICE_URL: order!.url,
    INVENTORY_SERVICE_URL: inventory!.url,
    ...(redis && { REDIS_URL: options.redisUrl!, REDIS_PREFIX: redis.prefix }),
    ...env,
  };
  const withRedis = () => (redis ? { redis: redis.client() } : {});
  const postgres = options.postgres && isolatedPostgres(options.postgres.adminUrl);
  const urlsByService = new Map<string, string>();
  if (postgres)
    for (const service of ['auth', 'user', 'order', 'inventory'])
      urlsByService.set(service, (await postgres.create(service)).url);
  const databases: { close: () => Promise<void> }[] = [];
  const db = <T>(service: string) => {
    const database = createDatabase<T>({
      url: urlsByService.get(service) ?? join(dir, `${service}.db`),
      service,
      // Four services share a PostgreSQL server with other suites: keep pools small.
      poolSize: 5,
    });
    databases.push(database);
    return database;
  };

  const authConfig = readAuthConfig({
    ...urls,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
  });
  const authService = await createAuthService({
    config: authConfig,
    database: db('auth'),
    logger: silent('auth-service'),
    validateResponses: true,
    ...withRedis(),
  });
  auth!.attach(authService.app);
  const userService = await createUserService({
    config: readUserConfig(urls),
    database: db('user'),
    logger: silent('user-service'),
    validateResponses: true,
    ...withRedis(),
  });
  user!.attach(userService.app);
  const orderService = await createOrderService({
    config: readOrderConfig(urls),
    database: db('order'),
    logger: silent('order-service'),
    validateResponses: true,
    ...withRedis(),
  });
  order!.attach(orderService.app);
  const inventoryService = await createInventoryService({
    config: readInventoryConfig({ ...urls, SEED_DEMO_DATA: '1' }),
    database: db('inventory'),
    logger: silent('inventory-service'),
    validateResponses: true,
    ...withRedis(),
  });
  inventory!.attach(inventoryService.app);
  const gateway = createGateway({
    config: loadGatewayConfig(urls),
    logger: silent('gateway'),
    ...withRedis(),
  });
  gw!.attach(gateway.listener);

  return {
    gateway: gw!.url,
    auth: auth!.url,
    user: user!.url,
    order: order!.url,
    inventory: inventory!.url,
    takeDown: (name) => ({ auth, user, order, inventory })[name]!.setState('down'),
    stall: (name) => ({ auth, user, order, inventory })[name]!.setState('stalled'),
    bringUp: (name) => ({ auth, user, order, inventory })[name]!.setState('up'),
    signUserToken: (subject, roles = ['user']) =>
      createTokenIssuer(
        authService.keyRing,
        {
          issuer: authConfig.TOKEN_ISSUER,
          audience: authConfig.TOKEN_AUDIENCE,
          accessTtlSeconds: authConfig.ACCESS_TOKEN_TTL_SECONDS,
          serviceTtlSeconds: authConfig.SERVICE_TOKEN_TTL_SECONDS,
        },
        Date.now,
      ).forUser(subject, roles),
    stop: async () => {
      await gateway.close();
      await orderService.close();
      await inventoryService.close();
      await userService.close();
      await authService.stop();
      for (const s of [gw, auth, user, order, inventory]) await s!.close();
      for (const database of databases) await database.close();
      await postgres?.dropAll();
      await redis?.cleanUp();
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

/** Polls `check` until it returns true or `withinMs` passes; resolves to the time it took, or rejects. */
export async function within(withinMs: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (Date.now() - started <= withinMs) {
    if (await check()) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`not within ${withinMs} ms`);
}
