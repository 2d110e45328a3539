import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, RequestListener } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase } from '@portico/db';
import { type Served, serve, type UpgradeListener } from '@portico/lifecycle';
import { createLogger, type Logger } from '@portico/logging';
import { createAuthService } from '../../../auth-service/src/app.js';
import { readConfig as readAuthConfig } from '../../../auth-service/src/config.js';
import type { KeyRing } from '../../../auth-service/src/domain/key-ring.js';
import { createTokenIssuer } from '../../../auth-service/src/domain/token-issuer.js';
import { createGateway } from '../../../gateway/src/app.js';
import { loadGatewayConfig } from '../../../gateway/src/config.js';
import { createInventoryService } from '../../../inventory-service/src/app.js';
import { readConfig as readInventoryConfig } from '../../../inventory-service/src/config.js';
import { createOrderService } from '../../../order-service/src/app.js';
import { readConfig as readOrderConfig } from '../../../order-service/src/config.js';
import { createUserService } from '../../../user-service/src/app.js';
import { readConfig as readUserConfig } from '../../../user-service/src/config.js';
import { isolatedPostgres, redisParts } from './stores.js';

export const ADMIN = { email: 'admin@portico.test', password: 'admin-password-123' };

export type ProcessName = 'gateway' | 'auth' | 'user' | 'order' | 'inventory';
/** The service clients the auth service knows (auth-service/src/domain/service-clients.ts). */
export const CLIENTS = ['gateway', 'user-service', 'order-service', 'inventory-service'] as const;
export type ClientId = (typeof CLIENTS)[number];

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
  /** The admin the auth service was started with: ADMIN, or a random password with `randomSecrets`. */
  admin: { email: string; password: string };
  /** Every service client's secret, as the auth service checks it. */
  clientSecrets: Record<ClientId, string>;
  /** The auth service's live key ring: a forgery signed with it fails for its flaw alone. */
  authKeys: KeyRing;
  stop: () => Promise<void>;
};

/** A listening server whose handler is set later, so every URL is known before any app is built. */
type Slot = Served & {
  /** The app, and for the gateway its WebSocket handshakes. */
  attach: (listener: RequestListener, upgrade?: UpgradeListener) => void;
  setState: (state: 'up' | 'down' | 'stalled') => void;
};

/** How every listener is served: its logger, the request hook and the slow-client bounds. */
type Listening = Pick<SystemOptions, 'onRequest' | 'headersTimeoutMs' | 'requestTimeoutMs'> & {
  logger: (service: string) => Logger;
};

async function slot(name: ProcessName, listening: Listening): Promise<Slot> {
  let handler: RequestListener = (_req, res) => res.writeHead(503).end();
  let upgradeHandler: UpgradeListener | undefined;
  let state: 'up' | 'down' | 'stalled' = 'up';
  // A stalled request is never answered: the caller's timeout has to end it.
  const listener: RequestListener = (req, res) => {
    listening.onRequest?.(name, req);
    if (state === 'down') req.socket.destroy();
    else if (state === 'up') handler(req, res);
  };
  const served = await serve(listener, {
    port: 0,
    host: '127.0.0.1',
    logger: listening.logger(name),
    drainMs: 200,
    headersTimeoutMs: listening.headersTimeoutMs,
    requestTimeoutMs: listening.requestTimeoutMs,
    // Only the gateway takes upgrades, as its server.ts does; the services serve them as requests.
    ...(name === 'gateway' && {
      upgrade: (req, socket, head) => {
        listening.onRequest?.(name, req);
        if (upgradeHandler) upgradeHandler(req, socket, head);
        else socket.destroy();
      },
    }),
  });
  return {
    ...served,
    attach: (listener, upgrade) => {
      handler = listener;
      upgradeHandler = upgrade;
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
  /** A random admin password and random service-client secrets, instead of the development ones. */
  randomSecrets?: boolean;
  /** Receives every JSON line any process logs, at debug and above. Unset: processes log nothing. */
  onLog?: (line: string) => void;
  /** Hears of every request a process receives, as it arrives, before any handling. */
  onRequest?: (process: ProcessName, req: IncomingMessage) => void;
  /**
   * Name the gateway's real (random) address as the issuer and public base URL,
   * as `npm start` does, for flows a browser or a foreign OAuth client follows
   * (discovery, redirect URIs). Unset: the default `http://127.0.0.1:8080`,
   * which the forged-token tables sign with.
   */
  issuerAtGateway?: boolean;
  /** Slow-client bounds of every listener; unset: serve()'s production values. */
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
};

const random = () => randomBytes(18).toString('base64url');

/**
 * The gateway's per-try timeout here, unless a suite sets UPSTREAM_TIMEOUT_MS.
 * Every service runs in the test's own process, beside clients sending hundreds
 * of requests at once, and a password hash on a loaded two-core machine can
 * outlast the production 5 s (seen in CI: a first registration, a burst of
 * 200 orders). No suite that uses this default is about timeouts; those that
 * are set their own (contract/user.test.ts), and the attack suite uses 20 s.
 */
const GATEWAY_TRY_TIMEOUT_MS = '20000';

export async function startSystem(options: SystemOptions = {}): Promise<System> {
  const env = options.env ?? {};
  const redis = redisParts(options.redisUrl);
  const dir = mkdtempSync(join(tmpdir(), 'portico-e2e-'));
  const { onLog } = options;
  const logger = (service: string) =>
    onLog
      ? createLogger({ service, level: 'debug', destination: { write: onLog } })
      : createLogger({ service, level: 'silent' });
  const [gw, auth, user, order, inventory] = await Promise.all(
    (['gateway', 'auth', 'user', 'order', 'inventory'] as const).map((name) =>
      slot(name, { ...options, logger }),
    ),
  );
  const urls = {
    AUTH_SERVICE_URL: auth!.url,
    USER_SERVICE_URL: user!.url,
    ORDER_SERVICE_URL: order!.url,
    INVENTORY_SERVICE_URL: inventory!.url,
    ...(redis && { REDIS_URL: options.redisUrl!, REDIS_PREFIX: redis.prefix }),
    ...(options.issuerAtGateway && { TOKEN_ISSUER: gw!.url, PUBLIC_BASE_URL: gw!.url }),
    ...env,
  };
  const admin = options.randomSecrets ? { ...ADMIN, password: `admin-${random()}` } : ADMIN;
  const secrets = options.randomSecrets
    ? (Object.fromEntries(CLIENTS.map((id) => [id, random()])) as Record<ClientId, string>)
    : undefined;
  /** What a service client reads: the URLs, and its own secret when secrets are random. */
  const clientEnv = (id: ClientId) =>
    secrets ? { ...urls, SERVICE_CLIENT_SECRET: secrets[id] } : urls;
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
    // Every suite registers its users from 127.0.0.1: a real deployment's
    // per-address budget would refuse them. registration-throttle.test holds it.
    REGISTRATION_MAX_PER_ADDRESS: '1000000',
    REGISTRATION_MAX_PER_MINUTE: '1000000',
    ...urls,
    ADMIN_EMAIL: admin.email,
    ADMIN_PASSWORD: admin.password,
    ...(secrets && {
      SERVICE_CLIENT_SECRETS: Object.entries(secrets)
        .map(([id, secret]) => `${id}=${secret}`)
        .join(','),
    }),
  });
  const authService = await createAuthService({
    config: authConfig,
    database: db('auth'),
    logger: logger('auth-service'),
    validateResponses: true,
    ...withRedis(),
  });
  auth!.attach(authService.app);
  const userService = await createUserService({
    config: readUserConfig(clientEnv('user-service')),
    database: db('user'),
    logger: logger('user-service'),
    validateResponses: true,
    ...withRedis(),
  });
  user!.attach(userService.app);
  const orderService = await createOrderService({
    config: readOrderConfig(clientEnv('order-service')),
    database: db('order'),
    logger: logger('order-service'),
    validateResponses: true,
    ...withRedis(),
  });
  order!.attach(orderService.app);
  const inventoryService = await createInventoryService({
    config: readInventoryConfig({ ...clientEnv('inventory-service'), SEED_DEMO_DATA: '1' }),
    database: db('inventory'),
    logger: logger('inventory-service'),
    validateResponses: true,
    ...withRedis(),
  });
  inventory!.attach(inventoryService.app);
  const gateway = createGateway({
    config: loadGatewayConfig({
      UPSTREAM_TIMEOUT_MS: GATEWAY_TRY_TIMEOUT_MS,
      ...clientEnv('gateway'),
    }),
    logger: logger('gateway'),
    ...withRedis(),
  });
  gw!.attach(gateway.listener, gateway.upgrade);

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
      ).forUser(subject, roles, randomUUID()),
    admin,
    clientSecrets: authConfig.SERVICE_CLIENT_SECRETS as Record<ClientId, string>,
    authKeys: authService.keyRing,
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

/** What `call` answers: `body` is the parsed JSON, untyped as JSON.parse leaves it. */
export type Reply = { status: number; headers: Headers; body: ReturnType<typeof JSON.parse> };

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
): Promise<Reply> {
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
