import { type IncomingHttpHeaders, type OutgoingHttpHeaders, request } from 'node:http';
import { connectRedis, serve } from '@portico/lifecycle';
import { createLogger, type Logger } from '@portico/logging';
import { createGateway, type Gateway } from '../../src/app.js';
import { loadGatewayConfig } from '../../src/config.js';
import { type AuthKit, createAuthKit } from './auth-kit.js';
import { type FakeUpstream, startFakeUpstream } from './fake-upstream.js';

export type Upstreams = {
  auth: FakeUpstream;
  user: FakeUpstream;
  order: FakeUpstream;
  inventory: FakeUpstream;
  /** Signs the tokens the gateway accepts; the fake auth service serves its JWKS. */
  kit: AuthKit;
  /** What the fake user-service says of each user id; anyone not named is active. */
  userStatuses: Map<string, 'active' | 'disabled' | 'unknown'>;
  /** A valid user token and the Authorization header carrying it. */
  bearer: (sub?: string) => Promise<{ authorization: string }>;
  /** One ready user token (an active user), for tests about something else. */
  token: string;
};

const USER_PATH = /^\/internal\/v1\/users\/([^/?]+)$/;

export async function startUpstreams(): Promise<Upstreams> {
  const [auth, user, order, inventory] = await Promise.all([
    startFakeUpstream('auth-service'),
    startFakeUpstream('user-service'),
    startFakeUpstream('order-service'),
    startFakeUpstream('inventory-service'),
  ]);
  const kit = await createAuthKit();
  const userStatuses = new Map<string, 'active' | 'disabled' | 'unknown'>();
  auth!.handleSide(kit.handler);
  user!.handleSide((req, res) => {
    const id = USER_PATH.exec(req.url ?? '')?.[1];
    const status = id ? (userStatuses.get(id) ?? 'active') : 'unknown';
    if (status === 'unknown') {
      res.writeHead(404, { 'content-type': 'application/problem+json' }).end('{"status":404}');
      return;
    }
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ id, email: `${id}@example.com`, name: 'Test', status }));
  });
  return {
    auth: auth!,
    user: user!,
    order: order!,
    inventory: inventory!,
    kit,
    userStatuses,
    bearer: async (sub) => ({ authorization: `Bearer ${await kit.userToken(sub)}` }),
    token: await kit.userToken(),
  };
}

const fakes = (upstreams: Upstreams) => [
  upstreams.auth,
  upstreams.user,
  upstreams.order,
  upstreams.inventory,
];

export async function closeUpstreams(upstreams: Upstreams): Promise<void> {
  await Promise.all(fakes(upstreams).map((upstream) => upstream.close()));
}

/** Forgets what the upstreams saw, between tests. */
export function clearReceived(upstreams: Upstreams): void {
  for (const upstream of fakes(upstreams)) {
    upstream.received.length = 0;
    upstream.sideCalls.length = 0;
  }
}

/** Every request the upstreams saw, for "nothing reached an upstream" checks. */
export function allReceived(upstreams: Upstreams) {
  return fakes(upstreams).flatMap((upstream) => upstream.received);
}

export type RunningGateway = { url: string; gateway: Gateway; close: () => Promise<void> };

/**
 * The real gateway, listening on port 0, configured through the same schema as
 * production; with `REDIS_URL` in `env` it gets its own Redis connection, as in server.ts.
 */
export async function startGateway(
  upstreams: Upstreams,
  env: Record<string, string> = {},
  logger: Logger = createLogger({ service: 'gateway', level: 'silent' }),
): Promise<RunningGateway> {
  const config = loadGatewayConfig({
    AUTH_SERVICE_URL: upstreams.auth.url,
    USER_SERVICE_URL: upstreams.user.url,
    ORDER_SERVICE_URL: upstreams.order.url,
    INVENTORY_SERVICE_URL: upstreams.inventory.url,
    ...env,
  });
  const redis = config.REDIS_URL ? connectRedis(config.REDIS_URL, logger) : undefined;
  const gateway = createGateway({ config, logger, redis });
  const served = await serve(gateway.listener, {
    upgrade: gateway.upgrade,
    port: 0,
    host: '127.0.0.1',
    logger,
    drainMs: 100,
    onClose: async () => {
      await gateway.close();
      redis?.disconnect();
    },
  });
  return { url: served.url, gateway, close: served.close };
}

/**
 * Fake upstreams for one test file: started before its tests and closed after
 * them. What they received is forgotten before each test, unless
 * `keepReceived` (a check that counts over the whole file). The object is
 * filled in by that beforeAll: read it in tests and hooks only.
 */
export function useUpstreams(options: { keepReceived?: boolean } = {}): Upstreams {
  const upstreams = {} as Upstreams;
  beforeAll(async () => {
    Object.assign(upstreams, await startUpstreams());
  });
  afterAll(async () => {
    if (upstreams.auth) await closeUpstreams(upstreams);
  });
  if (!options.keepReceived) beforeEach(() => clearReceived(upstreams));
  return upstreams;
}

/** useUpstreams, and the real gateway in front of them (with `env`) for the whole file. */
export function useGateway(
  env: Record<string, string> = {},
  upstreamOptions: Parameters<typeof useUpstreams>[0] = {},
) {
  const upstreams = useUpstreams(upstreamOptions);
  const gateway = {} as RunningGateway;
  beforeAll(async () => {
    Object.assign(gateway, await startGateway(upstreams, env));
  });
  afterAll(() => gateway.close?.());
  return { upstreams, gateway };
}

export type Reply = {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
  json: () => Record<string, unknown>;
};

/**
 * A raw node:http request: the path goes out byte for byte (fetch and URL would
 * normalise `..` and `%2e` away before the gateway ever saw them).
 */
export function send(
  base: string,
  options: {
    method?: string;
    path: string;
    /** Sent as `Authorization: Bearer <token>` unless the headers name their own. */
    token?: string;
    headers?: OutgoingHttpHeaders;
    body?: string | Buffer;
    /** The client's address, such as `127.0.0.2`: another client to the gateway. */
    localAddress?: string;
  },
): Promise<Reply> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: hostname,
        port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: options.token
          ? { authorization: `Bearer ${options.token}`, ...options.headers }
          : options.headers,
        agent: false,
        ...(options.localAddress ? { localAddress: options.localAddress } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          const text = body.toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            text,
            json: () => JSON.parse(text) as Record<string, unknown>,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
