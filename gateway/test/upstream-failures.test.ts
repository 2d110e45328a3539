import { request } from 'node:http';
import { eventually, refusedUrl } from '@portico/test-kit';
import { type Reply, send, startGateway, useGateway } from './support/gateway-harness.js';

const TIMEOUT_MS = 300;
const BODY_LIMIT = 1024;

const { upstreams, gateway } = useGateway({
  UPSTREAM_TIMEOUT_MS: String(TIMEOUT_MS),
  BODY_LIMIT_BYTES: String(BODY_LIMIT),
});

function expectProblem(reply: Reply, status: number, code: string) {
  expect(reply.status).toBe(status);
  expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(reply.json()).toMatchObject({ status, code, type: expect.any(String) });
}

describe('upstream failures', () => {
  it('when the upstream is down, then the client gets a 502 problem at once, with Retry-After and no address', async () => {
    // A gateway of its own: with auth-service down, no token could be verified either.
    // "At once" means before any timeout could fire: with one far beyond the
    // test's run time, a 502 at all shows the gateway did not wait for it.
    const downUrl = await refusedUrl();
    const authDown = await startGateway(upstreams, {
      AUTH_SERVICE_URL: downUrl,
      UPSTREAM_TIMEOUT_MS: String(10 * 60_000),
    });
    const reply = await send(authDown.url, { method: 'POST', path: '/api/v1/auth/login' });
    await authDown.close();

    expectProblem(reply, 502, 'UPSTREAM_UNAVAILABLE');
    expect(reply.headers['retry-after']).toBe('5');
    expect(reply.json().detail).toBe('auth-service is unavailable.');
    const port = new URL(downUrl).port;
    expect(reply.text).not.toContain(port);
    expect(reply.text).not.toContain('127.0.0.1');
    expect(reply.text).not.toContain('ECONNREFUSED');
  });

  it('when the upstream is slower than UPSTREAM_TIMEOUT_MS, then the client gets a 504 once the timeout passes, and the upstream call is abandoned', async () => {
    // The upstream holds its answer until the gateway gives up on it: the 504
    // must come from the timeout, and the gateway must close the upstream socket.
    let abandoned = false;
    upstreams.inventory.handle((_req, res) => {
      res.on('close', () => {
        abandoned = !res.writableFinished;
      });
    });

    const started = Date.now();
    const reply = await send(gateway.url, {
      token: upstreams.token,
      path: '/api/v1/inventory/products',
    });
    const elapsed = Date.now() - started;

    expectProblem(reply, 504, 'UPSTREAM_TIMEOUT');
    expect(reply.headers['retry-after']).toBe('1');
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    await eventually('the upstream call abandoned', () => abandoned);
  });

  it('when the upstream drops the connection without answering, then the client gets a 502 problem', async () => {
    upstreams.order.handle((req) => {
      req.socket.destroy();
    });

    const reply = await send(gateway.url, { token: upstreams.token, path: '/api/v1/orders/1' });

    expectProblem(reply, 502, 'UPSTREAM_CONNECTION_FAILED');
  });

  it('when the upstream answers with its own error, then the gateway passes it through untouched', async () => {
    upstreams.user.handle((_req, res) => {
      res.writeHead(503, { 'content-type': 'application/problem+json', 'retry-after': '7' });
      res.end('{"status":503,"code":"USER_STORE_DOWN"}');
    });

    const reply = await send(gateway.url, { token: upstreams.token, path: '/api/v1/users/me' });

    expect(reply.status).toBe(503);
    expect(reply.headers['retry-after']).toBe('7');
    expect(reply.json()).toEqual({ status: 503, code: 'USER_STORE_DOWN' });
  });
});

describe('body limit', () => {
  it('when the declared Content-Length is over BODY_LIMIT_BYTES, then 413 and the upstream is never contacted', async () => {
    const body = Buffer.alloc(BODY_LIMIT + 1, 'a');
    const reply = await send(gateway.url, {
      token: upstreams.token,
      method: 'POST',
      path: '/api/v1/orders',
      headers: { 'content-type': 'application/json', 'content-length': body.length },
      body,
    });

    expectProblem(reply, 413, 'PAYLOAD_TOO_LARGE');
    expect(upstreams.order.received).toHaveLength(0);
  });

  it('when the body is exactly BODY_LIMIT_BYTES, then it is forwarded', async () => {
    upstreams.order.handle((_req, res) => res.writeHead(202).end());
    const body = Buffer.alloc(BODY_LIMIT, 'a');
    const reply = await send(gateway.url, {
      token: upstreams.token,
      method: 'POST',
      path: '/api/v1/orders',
      headers: { 'content-length': body.length },
      body,
    });

    expect(reply.status).toBe(202);
    expect(upstreams.order.received[0]!.body.length).toBe(BODY_LIMIT);
  });

  it('when a chunked body grows past BODY_LIMIT_BYTES, then 413 and the upstream never gets the whole body', async () => {
    upstreams.order.handle((_req, res) => res.writeHead(202).end());
    const { hostname, port } = new URL(gateway.url);

    const reply = await new Promise<{ status: number; body: string }>((resolve, reject) => {
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
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
          );
        },
      );
      // The gateway may close the socket while we still write: that is the point.
      req.on('error', (error) => {
        if (!req.destroyed) reject(error);
      });
      const part = Buffer.alloc(400, 'b');
      let sent = 0;
      const timer = setInterval(() => {
        if (sent >= 20 || req.destroyed) {
          clearInterval(timer);
          return;
        }
        req.write(part);
        sent += 1;
      }, 5);
    });

    expect(reply.status).toBe(413);
    expect(JSON.parse(reply.body)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(upstreams.order.received.every((received) => !received.complete)).toBe(true);
  });
});
