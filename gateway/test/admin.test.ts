import { Writable } from 'node:stream';
import { refusedUrl } from '@portico/test-kit';
import { pino } from 'pino';
import {
  allReceived,
  type RunningGateway,
  send,
  startGateway,
  useUpstreams,
} from './support/gateway-harness.js';

const upstreams = useUpstreams({ keepReceived: true });
let gateway: RunningGateway;
const logLines: Record<string, unknown>[] = [];

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean))
        logLines.push(JSON.parse(line));
      done();
    },
  });
  gateway = await startGateway(upstreams, {}, pino({ level: 'info' }, sink));
});

afterAll(() => gateway.close());

describe('admin endpoints', () => {
  it('when /healthz is asked, then the gateway says it is alive', async () => {
    const reply = await send(gateway.url, { token: upstreams.token, path: '/healthz' });
    expect(reply.status).toBe(200);
    expect(reply.json()).toEqual({ status: 'ok' });
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
  });

  it('when every upstream answers its /healthz, then /readyz is 200', async () => {
    const reply = await send(gateway.url, { token: upstreams.token, path: '/readyz' });
    expect(reply.status).toBe(200);
    expect(reply.json()).toEqual({
      status: 'ready',
      checks: {
        'auth-service': 'ok',
        'user-service': 'ok',
        'order-service': 'ok',
        'inventory-service': 'ok',
      },
    });
  });

  it('when one upstream is down, then /readyz is 503 naming it', async () => {
    const degraded = await startGateway(upstreams, { ORDER_SERVICE_URL: await refusedUrl() });
    try {
      const reply = await send(degraded.url, { path: '/readyz' });
      expect(reply.status).toBe(503);
      expect(reply.json()).toMatchObject({
        status: 'unavailable',
        checks: { 'order-service': 'unavailable', 'user-service': 'ok' },
      });
    } finally {
      await degraded.close();
    }
  });

  it('when requests have been proxied, then /metrics counts and times them per route and upstream', async () => {
    await send(gateway.url, { token: upstreams.token, path: '/api/v1/users/me' });
    await send(gateway.url, { token: upstreams.token, path: '/api/v1/nothing-here' });

    const reply = await send(gateway.url, { token: upstreams.token, path: '/metrics' });

    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toMatch(/^text\/plain/);
    expect(reply.text).toMatch(
      /gateway_requests_total\{route="\/api\/v1\/users\/\*\*",upstream="user-service",method="GET",status="200"[^}]*\} 1/,
    );
    expect(reply.text).toMatch(
      /gateway_requests_total\{route="unmatched",upstream="gateway",method="GET",status="404"/,
    );
    expect(reply.text).toMatch(
      /gateway_request_duration_seconds_bucket\{le="[^"]+",[^}]*route="\/api\/v1\/users\/\*\*",upstream="user-service"/,
    );
  });

  it('when a path is not in the route table, then the gateway answers a 404 problem itself', async () => {
    const reply = await send(gateway.url, {
      token: upstreams.token,
      method: 'POST',
      path: '/healthz/../internal',
    });
    expect(reply.status).toBe(404);
    expect(reply.json()).toMatchObject({ code: 'ROUTE_NOT_FOUND', status: 404 });
  });
});

describe('request log', () => {
  it('when a request is proxied, then one line names method, route, status, upstream, latency and request id, and nothing the client sent', async () => {
    upstreams.user.received.length = 0;
    const userId = '5d1f7a52-8f1e-4a8c-9a57-0e3c2b1d9f10';
    const { authorization } = await upstreams.bearer(userId);
    await send(gateway.url, {
      path: '/api/v1/users/8b0d5c1e?email=secret%40example.com',
      headers: { authorization, 'x-request-id': 'req-log-1' },
    });
    await new Promise((resolve) => setImmediate(resolve));

    const lines = logLines.filter((line) => line.requestId === 'req-log-1');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      method: 'GET',
      route: '/api/v1/users/**',
      status: 200,
      upstream: 'user-service',
      requestId: 'req-log-1',
      userId,
      latencyMs: expect.any(Number),
    });
    const raw = JSON.stringify(lines[0]);
    expect(raw).not.toContain(authorization.slice('Bearer '.length));
    expect(raw).not.toContain('secret%40example.com');
    expect(raw).not.toContain('8b0d5c1e');
    expect(allReceived(upstreams)).toHaveLength(1);
  });
});

describe('gateway answers and sniffing', () => {
  it('when the gateway answers a problem of its own (404, 401), then it says nosniff', async () => {
    for (const path of ['/api/v1/nothing-here', '/api/v1/orders']) {
      const reply = await send(gateway.url, { path });
      expect(reply.status).toBeGreaterThanOrEqual(400);
      expect(reply.headers['x-content-type-options']).toBe('nosniff');
    }
  });
});
