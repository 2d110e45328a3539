import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, RequestListener } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase } from '@portico/db';
import { type Served, serve } from '@portico/lifecycle';
import { createLogger } from '@portico/logging';
import { createAuthService } from '../../../../auth-service/src/app.js';
import { readConfig as readAuthConfig } from '../../../../auth-service/src/config.js';
import type { KeyRing } from '../../../../auth-service/src/domain/key-ring.js';
import { createGateway } from '../../../../gateway/src/app.js';
import { loadGatewayConfig } from '../../../../gateway/src/config.js';
import { createInventoryService } from '../../../../inventory-service/src/app.js';
import { readConfig as readInventoryConfig } from '../../../../inventory-service/src/config.js';
import { createOrderService } from '../../../../order-service/src/app.js';
import { readConfig as readOrderConfig } from '../../../../order-service/src/config.js';
import { createUserService } from '../../../../user-service/src/app.js';
import { readConfig as readUserConfig } from '../../../../user-service/src/config.js';

export type ProcessName = 'gateway' | 'auth' | 'user' | 'order' | 'inventory';
export const SERVICES = ['user', 'order', 'inventory'] as const;
export const CLIENTS = ['gateway', 'user-service', 'order-service', 'inventory-service'] as const;
export type ClientId = (typeof CLIENTS)[number];

/** What one process received: every request, as it arrived, before any handling. */
export type Arrival = { process: ProcessName; method: string; url: string; forwarded: boolean };

export type SystemUnderAttack = {
  urls: Record<ProcessName, string>;
  admin: { email: string; password: string };
  /** Every client's secret, random per run (so a log line that holds one is unmistakable). */
  clientSecrets: Record<ClientId, string>;
  /** The auth service's live signing keys: forgeries must fail for their flaw, not their key. */
  authKeys: KeyRing;
  arrivals: Arrival[];
  /** Every JSON line any process logged, at debug and above. */
  logLines: string[];
  /** Remembers a value no log line may hold (a password, a token, a secret). */
  secret: (value: string) => string;
  secrets: () => readonly string[];
  stop: () => Promise<void>;
};

/** Slow-client bounds of every listener: low enough to test, high enough for a loaded machine. */
export const HEADERS_TIMEOUT_MS = 2_000;
export const REQUEST_TIMEOUT_MS = 4_000;

const random = () => randomBytes(18).toString('base64url');

/**
 * The whole of Portico in one process, as e2e/test/support/system.ts builds it
 * (a SQLite file per service, each on its own port, the gateway in front), with
 * what an attack suite needs besides: every process's pino output kept, every
 * request each process receives recorded, the auth service's key ring, random
 * secrets, and slow-client bounds low enough to test.
 */
export async function startSystemUnderAttack(
  env: Record<string, string> = {},
): Promise<SystemUnderAttack> {
  const dir = mkdtempSync(join(tmpdir(), 'portico-attacks-'));
  const arrivals: Arrival[] = [];
  const logLines: string[] = [];
  const secrets = new Set<string>();
  const secret = (value: string) => {
    secrets.add(value);
    return value;
  };
  const logger = (service: string) =>
    createLogger({
      service,
      level: 'debug',
      destination: { write: (line: string) => void logLines.push(line) },
    });

  const names: ProcessName[] = ['gateway', 'auth', 'user', 'order', 'inventory'];
  const handlers = new Map<ProcessName, RequestListener>();
  const served = new Map<ProcessName, Served>();
  for (const name of names) {
    const onRequest: RequestListener = (req: IncomingMessage, res) => {
      arrivals.push({
        process: name,
        method: req.method ?? '',
        url: req.url ?? '',
        forwarded: req.headers['x-forwarded-for'] !== undefined,
      });
      const handler = handlers.get(name);
      if (handler) handler(req, res);
      else res.writeHead(503).end();
    };
    served.set(
      name,
      await serve(onRequest, {
        port: 0,
        host: '127.0.0.1',
        logger: logger(name),
        drainMs: 200,
        headersTimeoutMs: HEADERS_TIMEOUT_MS,
        requestTimeoutMs: REQUEST_TIMEOUT_MS,
      }),
    );
  }
  const urls = Object.fromEntries(names.map((n) => [n, served.get(n)!.url])) as Record<
    ProcessName,
    string
  >;
  const admin = { email: 'admin@attacks.test', password: secret(`admin-${random()}`) };
  const clientSecrets = Object.fromEntries(CLIENTS.map((id) => [id, secret(random())])) as Record<
    ClientId,
    string
  >;
  const common = {
    AUTH_SERVICE_URL: urls.auth,
    USER_SERVICE_URL: urls.user,
    ORDER_SERVICE_URL: urls.order,
    INVENTORY_SERVICE_URL: urls.inventory,
    // Argon2 on a loaded machine can outlast the 5 s default; no attack here is about timeouts.
    UPSTREAM_TIMEOUT_MS: '20000',
    ...env,
  };
  const withSecret = (id: ClientId) => ({ ...common, SERVICE_CLIENT_SECRET: clientSecrets[id] });
  const databases: { close: () => Promise<void> }[] = [];
  const db = <T>(service: string) => {
    const database = createDatabase<T>({ url: join(dir, `${service}.db`), service });
    databases.push(database);
    return database;
  };

  const auth = await createAuthService({
    config: readAuthConfig({
      ...common,
      ADMIN_EMAIL: admin.email,
      ADMIN_PASSWORD: admin.password,
      SERVICE_CLIENT_SECRETS: CLIENTS.map((id) => `${id}=${clientSecrets[id]}`).join(','),
    }),
    database: db('auth'),
    logger: logger('auth-service'),
    validateResponses: true,
  });
  handlers.set('auth', auth.app);
  const user = await createUserService({
    config: readUserConfig(withSecret('user-service')),
    database: db('user'),
    logger: logger('user-service'),
    validateResponses: true,
  });
  handlers.set('user', user.app);
  const order = await createOrderService({
    config: readOrderConfig(withSecret('order-service')),
    database: db('order'),
    logger: logger('order-service'),
    validateResponses: true,
  });
  handlers.set('order', order.app);
  const inventory = await createInventoryService({
    config: readInventoryConfig(withSecret('inventory-service')),
    database: db('inventory'),
    logger: logger('inventory-service'),
    validateResponses: true,
  });
  handlers.set('inventory', inventory.app);
  const gateway = createGateway({
    config: loadGatewayConfig(withSecret('gateway')),
    logger: logger('gateway'),
  });
  handlers.set('gateway', gateway.listener);

  return {
    urls,
    admin,
    clientSecrets,
    authKeys: auth.keyRing,
    arrivals,
    logLines,
    secret,
    secrets: () => [...secrets],
    stop: async () => {
      await gateway.close();
      await order.close();
      await inventory.close();
      await user.close();
      await auth.stop();
      for (const s of served.values()) await s.close();
      for (const database of databases) await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
