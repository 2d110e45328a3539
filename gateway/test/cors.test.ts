import {
  allReceived,
  type RunningGateway,
  send,
  startGateway,
  useUpstreams,
} from './support/gateway-harness.js';

const APP = 'https://app.portico.example';

const upstreams = useUpstreams();
let gateway: RunningGateway;
let plain: RunningGateway;

beforeAll(async () => {
  gateway = await startGateway(upstreams, {
    CORS_ORIGINS: `${APP}, https://admin.portico.example`,
  });
  plain = await startGateway(upstreams);
});

afterAll(async () => {
  await gateway.close();
  await plain.close();
});

const preflightHeaders = (origin: string) => ({
  origin,
  'access-control-request-method': 'POST',
  'access-control-request-headers': 'authorization, content-type, idempotency-key',
});

describe('CORS', () => {
  it('when an allowed origin sends a preflight, then the gateway answers 204 itself with the allow headers', async () => {
    const reply = await send(gateway.url, {
      token: upstreams.token,
      method: 'OPTIONS',
      path: '/api/v1/orders',
      headers: preflightHeaders(APP),
    });

    expect(reply.status).toBe(204);
    expect(reply.headers['access-control-allow-origin']).toBe(APP);
    expect(reply.headers['access-control-allow-methods']).toMatch(/\bPOST\b/);
    const allowed = String(reply.headers['access-control-allow-headers']).toLowerCase();
    for (const name of ['authorization', 'content-type', 'idempotency-key', 'x-request-id']) {
      expect(allowed).toContain(name);
    }
    expect(reply.headers.vary).toMatch(/Origin/);
    expect(reply.headers['access-control-max-age']).toBe('600');
    expect(allReceived(upstreams)).toEqual([]);
  });

  it('when another origin sends a preflight, then it gets no allow headers and reaches no upstream', async () => {
    const reply = await send(gateway.url, {
      token: upstreams.token,
      method: 'OPTIONS',
      path: '/api/v1/orders',
      headers: preflightHeaders('https://evil.example'),
    });

    expect(reply.status).toBe(204);
    expect(reply.headers['access-control-allow-origin']).toBeUndefined();
    expect(reply.headers['access-control-allow-headers']).toBeUndefined();
    expect(allReceived(upstreams)).toEqual([]);
  });

  it('when an allowed origin makes a request, then the answer allows it, varies on Origin and exposes the useful headers', async () => {
    upstreams.user.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', vary: 'Accept-Encoding' });
      res.end('{}');
    });

    const reply = await send(gateway.url, {
      token: upstreams.token,
      path: '/api/v1/users/me',
      headers: { origin: APP },
    });

    expect(reply.status).toBe(200);
    expect(reply.headers['access-control-allow-origin']).toBe(APP);
    expect(reply.headers.vary).toBe('Accept-Encoding, Origin');
    const exposed = String(reply.headers['access-control-expose-headers']).toLowerCase();
    for (const name of [
      'x-request-id',
      'traceparent',
      'ratelimit-limit',
      'ratelimit-remaining',
      'ratelimit-reset',
      'retry-after',
      'location',
      'deprecation',
      'sunset',
      'link',
    ]) {
      expect(exposed).toContain(name);
    }
  });

  it('when another origin makes a request, then the answer carries no allow header', async () => {
    const reply = await send(gateway.url, {
      token: upstreams.token,
      path: '/api/v1/inventory/products',
      headers: { origin: 'https://evil.example' },
    });
    expect(reply.status).toBe(200);
    expect(reply.headers['access-control-allow-origin']).toBeUndefined();
    expect(reply.headers.vary).toMatch(/Origin/);
  });

  it('when the gateway answers a problem to an allowed origin, then the browser may read it', async () => {
    const reply = await send(gateway.url, {
      token: upstreams.token,
      path: '/api/v2/nope',
      headers: { origin: APP },
    });
    expect(reply.status).toBe(404);
    expect(reply.headers['access-control-allow-origin']).toBe(APP);
  });

  it('when CORS_ORIGINS is unset, then no response carries an allow header', async () => {
    const reply = await send(plain.url, {
      token: upstreams.token,
      path: '/api/v1/users/me',
      headers: { origin: APP },
    });
    expect(reply.headers['access-control-allow-origin']).toBeUndefined();
  });
});
