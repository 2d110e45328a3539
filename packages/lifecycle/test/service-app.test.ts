import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLogger } from '@portico/logging';
import { Router } from 'express';
import {
  createServiceApp,
  READINESS_FRESH_MS,
  type ReadinessChecks,
  type Served,
  serve,
} from '../src/index.js';

const logger = createLogger({ service: 'test-service', level: 'silent' });
const SECRET = 'postgres://app:hunter2@db.internal/orders';

/** Readiness checks the tests switch between passing and failing. */
const health = { cache: true };
const checks: ReadinessChecks = {
  database: async () => undefined,
  cache: async () => {
    if (!health.cache) throw new Error('ECONNREFUSED');
  },
};

let served: Served;

beforeAll(async () => {
  const app = createServiceApp({
    service: 'test-service',
    logger,
    readiness: checks,
    bodyLimit: '1kb',
    routes: (app) => {
      app.get('/users/:id', (req, res) => {
        res.json({ id: req.params.id });
      });
      const api = Router();
      api.get('/orders/:orderId', (req, res) => {
        res.json({ id: req.params.orderId });
      });
      api.get('/orders/:orderId/fail', () => {
        throw new Error('storage offline');
      });
      app.use('/api/v1', api);
      app.post('/echo', (req, res) => {
        res.json(req.body);
      });
      app.get('/boom', () => {
        throw new Error(`cannot connect to ${SECRET}`);
      });
      app.get('/boom-async', async () => {
        await Promise.resolve();
        throw new TypeError(`cannot read ${SECRET}`);
      });
    },
  });
  served = await serve(app, { port: 0, host: '127.0.0.1', logger });
});

afterAll(async () => {
  await served.close();
});

async function call(path: string, init: RequestInit = {}) {
  const res = await fetch(`${served.url}${path}`, { signal: AbortSignal.timeout(10_000), ...init });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
}

function expectProblem(answer: Awaited<ReturnType<typeof call>>, status: number, code: string) {
  expect(answer.status).toBe(status);
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(answer.json()).toMatchObject({ status, code });
}

describe('createServiceApp, content sniffing', () => {
  it('when any answer is sent (JSON, problem, metrics), then it says X-Content-Type-Options: nosniff', async () => {
    const answers = [
      await call('/echo', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"a":1}',
      }),
      await call('/nowhere'),
      await call('/metrics'),
      await call('/healthz'),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([200, 404, 200, 200]);
    for (const answer of answers) {
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });
});

describe('createServiceApp, health endpoints', () => {
  it('when /healthz is asked, then 200 and not cacheable', async () => {
    const answer = await call('/healthz');
    expect(answer.status).toBe(200);
    expect(answer.json()).toEqual({ status: 'ok' });
    expect(answer.headers.get('cache-control')).toBe('no-store');
  });

  it('when every readiness check passes, then /readyz is 200 and names each check', async () => {
    health.cache = true;
    const answer = await call('/readyz');
    expect(answer.status).toBe(200);
    expect(answer.json()).toEqual({ status: 'ready', checks: { database: 'ok', cache: 'ok' } });
  });

  it('when one check fails, then /readyz is 503 naming that check (once the last answer is stale)', async () => {
    health.cache = false;
    try {
      await new Promise((resolve) => setTimeout(resolve, READINESS_FRESH_MS + 20));
      const answer = await call('/readyz');
      expect(answer.status).toBe(503);
      expect(answer.json()).toEqual({
        status: 'unavailable',
        checks: { database: 'ok', cache: 'unavailable' },
      });
      expect(answer.text).not.toContain('ECONNREFUSED');
    } finally {
      health.cache = true;
    }
  });
});

describe('createServiceApp, metrics', () => {
  it('when routes with ids are called, then http_requests_total is labelled by route pattern, not raw path', async () => {
    await call('/users/123');
    await call('/users/456');
    await call('/api/v1/orders/789');
    await call('/no/such/thing-42');

    const lines = await metricLines('http_requests_total{', (ls) =>
      ls.some((l) => l.includes('route="unmatched"')),
    );

    expect(lines.find((l) => l.includes('route="/users/:id"'))).toMatch(
      /method="GET".*status="200".*\s2$/,
    );
    expect(lines.some((l) => l.includes('route="/api/v1/orders/:orderId"'))).toBe(true);
    expect(lines.find((l) => l.includes('route="unmatched"'))).toContain('status="404"');
    expect(lines.join('\n')).not.toMatch(/123|456|789|thing-42/);
    expect(lines.every((l) => l.includes('service="test-service"'))).toBe(true);
  });

  it('when a handler inside a mounted router throws, then the 500 is labelled with the full route pattern', async () => {
    await call('/api/v1/orders/321/fail');

    const lines = await metricLines('http_requests_total{', (ls) =>
      ls.some((l) => l.includes('status="500"')),
    );

    expect(lines.find((l) => l.includes('status="500"'))).toContain(
      'route="/api/v1/orders/:orderId/fail"',
    );
  });

  it('when /metrics is asked, then the body is Prometheus text with the latency histogram', async () => {
    const answer = await call('/metrics');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(answer.text).toContain('# TYPE http_requests_total counter');
    expect(answer.text).toContain('# TYPE http_request_duration_seconds histogram');
  });
});

/** The lines of `/metrics` starting with `prefix`, once `ready` holds (the counter is bumped on finish). */
async function metricLines(prefix: string, ready: (lines: string[]) => boolean) {
  let lines: string[] = [];
  for (let attempt = 0; attempt < 20; attempt += 1) {
    lines = (await call('/metrics')).text.split('\n').filter((l) => l.startsWith(prefix));
    if (ready(lines)) break;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return lines;
}

describe('createServiceApp, request identity', () => {
  it('when a request has no ids, then a request id and a W3C traceparent are returned', async () => {
    const answer = await call('/healthz');
    expect(answer.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(answer.headers.get('traceparent')).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });

  it('when a valid traceparent comes in, then its trace id and flags are kept with a new span id', async () => {
    const incoming = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00';
    const answer = await call('/healthz', {
      headers: { traceparent: incoming, 'x-request-id': 'req-42.a:b' },
    });
    const [version, traceId, spanId, flags] = answer.headers.get('traceparent')!.split('-');
    expect([version, traceId, flags]).toEqual(['00', '4bf92f3577b34da6a3ce929d0e0e4736', '00']);
    expect(spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(spanId).not.toBe('00f067aa0ba902b7');
    expect(answer.headers.get('x-request-id')).toBe('req-42.a:b');
  });

  it.each([
    ['an all-zero trace id', '00-00000000000000000000000000000000-00f067aa0ba902b7-01'],
    ['an all-zero parent id', '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01'],
    ['upper-case hex', '00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01'],
    ['a short trace id', '00-4bf92f35-00f067aa0ba902b7-01'],
  ])('when the traceparent has %s, then a new trace is started', async (_case, incoming) => {
    const answer = await call('/healthz', { headers: { traceparent: incoming } });
    const traceparent = answer.headers.get('traceparent')!;
    expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(traceparent.toLowerCase()).not.toContain('4bf92f35');
  });

  it('when the incoming x-request-id is too long or has odd characters, then a fresh one replaces it', async () => {
    for (const given of ['x'.repeat(129), 'id with spaces', '<script>']) {
      const answer = await call('/healthz', { headers: { 'x-request-id': given } });
      expect(answer.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe('createServiceApp, errors as problems', () => {
  it('when the JSON body is malformed, then 400 MALFORMED_JSON', async () => {
    const answer = await call('/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name": "ann",',
    });
    expectProblem(answer, 400, 'MALFORMED_JSON');
  });

  it('when a JSON body that is not an object or array is sent, then 400 (strict parser)', async () => {
    const answer = await call('/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '"just a string"',
    });
    expectProblem(answer, 400, 'MALFORMED_JSON');
  });

  it('when a well-formed body is sent, then the route sees it parsed', async () => {
    const answer = await call('/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'ann' }),
    });
    expect(answer.status).toBe(200);
    expect(answer.json()).toEqual({ name: 'ann' });
  });

  it('when the body is over the limit, then 413 PAYLOAD_TOO_LARGE', async () => {
    const answer = await call('/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pad: 'x'.repeat(4096) }),
    });
    expectProblem(answer, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('when the route is unknown, then 404 problem with the path as instance', async () => {
    const answer = await call('/nowhere?token=abc');
    expectProblem(answer, 404, 'ROUTE_NOT_FOUND');
    expect(answer.json()).toMatchObject({ title: 'Not Found', instance: '/nowhere' });
  });

  it.each([
    ['a sync handler', '/boom'],
    ['an async handler', '/boom-async'],
  ])(
    'when %s throws a plain Error, then 500 problem without its message or stack',
    async (_case, path) => {
      const answer = await call(path);
      expectProblem(answer, 500, 'INTERNAL');
      expect(answer.json()).toEqual({
        type: 'urn:portico:problem:internal',
        title: 'Internal Server Error',
        status: 500,
        detail: 'An unexpected error occurred.',
        code: 'INTERNAL',
        instance: path,
      });
      expect(answer.text).not.toMatch(/hunter2|cannot|TypeError|\.ts:\d|\n\s*at /);
    },
  );

  it('when any response is sent, then the X-Powered-By header is absent', async () => {
    expect((await call('/healthz')).headers.get('x-powered-by')).toBeNull();
  });
});
