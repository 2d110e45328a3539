import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { send, useGateway } from './support/gateway-harness.js';

const { upstreams, gateway } = useGateway();

describe('routing', () => {
  it.each([
    ['GET', '/api/v1/users', 'user'],
    ['GET', '/api/v1/users/me', 'user'],
    ['GET', '/api/v1/users/8b0d5c1e-0c1f-4c55-9d55-3c1f0b7a1e11', 'user'],
    ['GET', '/api/v1/users/a%40b.example', 'user'],
    ['GET', '/api/v1/orders?limit=5&cursor=abc', 'order'],
    ['POST', '/api/v1/orders/42/cancel', 'order'],
    ['GET', '/api/v1/inventory/products/SKU-1', 'inventory'],
    ['POST', '/api/v1/auth/login', 'auth'],
    ['GET', '/api/v1/auth/', 'auth'],
    ['GET', '/.well-known/jwks.json', 'auth'],
    ['GET', '/.well-known/openid-configuration?x=1', 'auth'],
  ] as const)(
    'when %s %s arrives, then %s-service gets it with the path unchanged',
    async (method, path, name) => {
      const reply = await send(gateway.url, { token: upstreams.token, method, path });

      expect(reply.status).toBe(200);
      expect(reply.json()).toEqual({ upstream: `${name}-service`, method, url: path });
      const others = (['auth', 'user', 'order', 'inventory'] as const).filter(
        (key) => key !== name,
      );
      expect(upstreams[name].received).toHaveLength(1);
      for (const other of others) expect(upstreams[other].received).toHaveLength(0);
    },
  );

  it('when the upstream answers, then its status, headers and body come back as they are', async () => {
    upstreams.inventory.handle((_req, res) => {
      res.writeHead(201, {
        'content-type': 'application/json',
        location: '/api/v1/inventory/products/SKU-9',
        'set-cookie': ['a=1', 'b=2'],
        'x-custom': 'yes',
      });
      res.end('{"sku":"SKU-9"}');
    });

    const reply = await send(gateway.url, {
      token: upstreams.token,
      method: 'POST',
      path: '/api/v1/inventory/products',
    });

    expect(reply.status).toBe(201);
    expect(reply.text).toBe('{"sku":"SKU-9"}');
    expect(reply.headers.location).toBe('/api/v1/inventory/products/SKU-9');
    expect(reply.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(reply.headers['x-custom']).toBe('yes');
  });

  it('when a POST carries a body with a Content-Length, then the upstream receives it byte for byte', async () => {
    const body = randomBytes(300 * 1024);
    upstreams.order.handle((_req, res, received) => {
      res.writeHead(202, { 'content-type': 'application/octet-stream' }).end(received);
    });

    const reply = await send(gateway.url, {
      token: upstreams.token,
      method: 'POST',
      path: '/api/v1/orders',
      headers: { 'content-type': 'application/octet-stream', 'content-length': body.length },
      body,
    });

    expect(reply.status).toBe(202);
    expect(upstreams.order.received[0]!.body.equals(body)).toBe(true);
    expect(upstreams.order.received[0]!.headers['content-length']).toBe(String(body.length));
    expect(reply.body.equals(body)).toBe(true);
  });

  it('when a POST body is chunked, then the upstream receives it whole, framed by its length', async () => {
    const parts = [randomBytes(40_000), randomBytes(40_000), randomBytes(123)];
    upstreams.order.handle((_req, res) => res.writeHead(204).end());

    const status = await new Promise<number>((resolve, reject) => {
      const { hostname, port } = new URL(gateway.url);
      const req = request(
        {
          host: hostname,
          port,
          method: 'POST',
          path: '/api/v1/orders',
          agent: false,
          headers: { authorization: `Bearer ${upstreams.token}` },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      for (const part of parts) req.write(part);
      req.end();
    });

    expect(status).toBe(204);
    expect(upstreams.order.received[0]!.body.equals(Buffer.concat(parts))).toBe(true);
    // Read whole first (as nginx buffers request bodies), it goes out with its length.
    const { headers } = upstreams.order.received[0]!;
    expect(headers['content-length']).toBe(String(Buffer.concat(parts).length));
    expect(headers['transfer-encoding']).toBeUndefined();
  });

  it('when the target carries a query with unusual characters and a fragment, then the upstream gets the query as sent and no fragment', async () => {
    upstreams.order.handle((_req, res) => res.writeHead(200).end());

    const reply = await send(gateway.url, {
      token: upstreams.token,
      path: `/api/v1/orders?q="a{b}"|c^d&e='f'#frag`,
    });

    expect(reply.status).toBe(200);
    expect(upstreams.order.received[0]!.url).toBe(`/api/v1/orders?q="a{b}"|c^d&e='f'`);
  });

  it('when the upstream answers faster than the client reads, then the client still gets the whole body', async () => {
    const body = randomBytes(8 * 1024 * 1024);
    upstreams.order.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
    });

    const received = await new Promise<Buffer>((resolve, reject) => {
      const { hostname, port } = new URL(gateway.url);
      const req = request(
        {
          host: hostname,
          port,
          path: '/api/v1/orders/export',
          agent: false,
          headers: { authorization: `Bearer ${upstreams.token}` },
        },
        (res) => {
          // Read nothing for a while: the gateway must hold the upstream back, not drop bytes.
          res.pause();
          const chunks: Buffer[] = [];
          setTimeout(() => {
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () => resolve(Buffer.concat(chunks)));
            res.resume();
          }, 100);
        },
      );
      req.on('error', reject);
      req.end();
    });

    expect(received.equals(body)).toBe(true);
  });

  it('when 50 requests arrive at once, then the upstream answers every one through the pooled sockets', async () => {
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        send(gateway.url, { token: upstreams.token, path: `/api/v1/users/${i}` }),
      ),
    );
    expect(replies.every((reply) => reply.status === 200)).toBe(true);
    expect(upstreams.user.received).toHaveLength(50);
  });
});
