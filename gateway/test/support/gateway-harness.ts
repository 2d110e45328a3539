import { type IncomingHttpHeaders, type OutgoingHttpHeaders, request } from 'node:http';
import { serve } from '@portico/lifecycle';
import { createLogger, type Logger } from '@portico/logging';
import { createGateway, type Gateway } from '../../src/app.js';
import { loadGatewayConfig } from '../../src/config.js';
import { type FakeUpstream, startFakeUpstream } from './fake-upstream.js';

export type Upstreams = {
  auth: FakeUpstream;
  user: FakeUpstream;
  order: FakeUpstream;
  inventory: FakeUpstream;
};

export async function startUpstreams(): Promise<Upstreams> {
  const [auth, user, order, inventory] = await Promise.all([
    startFakeUpstream('auth-service'),
    startFakeUpstream('user-service'),
    startFakeUpstream('order-service'),
    startFakeUpstream('inventory-service'),
  ]);
  return { auth: auth!, user: user!, order: order!, inventory: inventory! };
}

export async function closeUpstreams(upstreams: Upstreams): Promise<void> {
  await Promise.all(Object.values(upstreams).map((upstream) => upstream.close()));
}

/** Every request the upstreams saw, for "nothing reached an upstream" checks. */
export function allReceived(upstreams: Upstreams) {
  return Object.values(upstreams).flatMap((upstream) => upstream.received);
}

export type RunningGateway = { url: string; gateway: Gateway; close: () => Promise<void> };

/** The real gateway, listening on port 0, configured through the same schema as production. */
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
  const gateway = createGateway({ config, logger });
  const served = await serve(gateway.listener, {
    port: 0,
    host: '127.0.0.1',
    logger,
    drainMs: 100,
    onClose: gateway.close,
  });
  return { url: served.url, gateway, close: served.close };
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
    headers?: OutgoingHttpHeaders;
    body?: string | Buffer;
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
        headers: options.headers,
        agent: false,
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
