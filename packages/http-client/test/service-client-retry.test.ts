import { ServiceUnavailableError } from '@portico/errors';
import { freePort, sendJson, startUpstream, type Upstream } from '@portico/test-kit';
import { type ClientLogger, createServiceClient, type ServiceClient } from '../src/index.js';

const FAST_BACKOFF = { initialDelayMs: 10, maxDelayMs: 30 };

function clientFor(baseUrl: string, extra: { retries?: number; logger?: ClientLogger } = {}) {
  return createServiceClient({
    name: 'inventory',
    baseUrl,
    timeoutMs: 1000,
    retries: extra.retries ?? 2,
    backoff: FAST_BACKOFF,
    logger: extra.logger,
  });
}

describe('createServiceClient retries', () => {
  let upstream: Upstream | undefined;
  let client: ServiceClient | undefined;

  afterEach(async () => {
    await client?.close();
    await upstream?.close();
    client = undefined;
    upstream = undefined;
  });

  it('when a GET meets a 503 and then a 200, then the caller gets the 200 after two calls', async () => {
    upstream = await startUpstream((_call, res, n) =>
      n === 1 ? sendJson(res, 503, { code: 'BUSY' }) : sendJson(res, 200, { sku: 'A-1' }),
    );
    client = clientFor(upstream.url);

    const res = await client.request<{ sku: string }>({ method: 'GET', path: '/api/v1/items/A-1' });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ sku: 'A-1' });
    expect(upstream.calls).toHaveLength(2);
  });

  it('when the upstream drops the first connection, then a GET is retried and succeeds', async () => {
    upstream = await startUpstream((_call, res, n) =>
      n === 1 ? res.socket?.destroy() : sendJson(res, 200, { ok: true }),
    );
    client = clientFor(upstream.url);

    const res = await client.request({ method: 'GET', path: '/items' });

    expect(res.status).toBe(200);
    expect(upstream.calls).toHaveLength(2);
  });

  it('when the first connection is refused, then a GET is retried and reaches the upstream once it listens', async () => {
    const port = await freePort();
    let starting: Promise<Upstream> | undefined;
    // The retry log line is the moment the refused try is over: start listening then.
    const logger = {
      warn: () => {
        starting ??= startUpstream((_call, res) => sendJson(res, 200, { ok: true }), port);
      },
    };
    client = clientFor(`http://127.0.0.1:${port}`, { retries: 5, logger });

    const res = await client.request({ method: 'GET', path: '/items' });
    upstream = await starting;

    expect(res.status).toBe(200);
    expect(upstream?.calls).toHaveLength(1);
  });

  it('when the upstream keeps answering 503, then a GET is tried 1 + retries times and the last 503 is returned', async () => {
    upstream = await startUpstream((_call, res) => sendJson(res, 503, { code: 'BUSY' }));
    client = clientFor(upstream.url, { retries: 2 });

    const res = await client.request({ method: 'GET', path: '/items' });

    expect(res.status).toBe(503);
    expect(upstream.calls).toHaveLength(3);
  });

  it('when a POST meets a 503, then it is not retried and the 503 is returned', async () => {
    upstream = await startUpstream((_call, res) => sendJson(res, 503, { code: 'BUSY' }));
    client = clientFor(upstream.url);

    const res = await client.request({ method: 'POST', path: '/orders', body: { sku: 'A-1' } });

    expect(res.status).toBe(503);
    expect(upstream.calls).toHaveLength(1);
  });

  it('when a POST loses its connection, then it is not retried and fails as UPSTREAM_UNAVAILABLE', async () => {
    upstream = await startUpstream((_call, res) => res.socket?.destroy());
    client = clientFor(upstream.url);

    const call = client.request({ method: 'POST', path: '/orders', body: { sku: 'A-1' } });

    await expect(call).rejects.toMatchObject({ status: 503, code: 'UPSTREAM_UNAVAILABLE' });
    expect(upstream.calls).toHaveLength(1);
  });

  it('when a POST is marked idempotent, then it is retried after a 503', async () => {
    upstream = await startUpstream((_call, res, n) =>
      n === 1 ? sendJson(res, 503, {}) : sendJson(res, 201, { id: 'o-1' }),
    );
    client = clientFor(upstream.url);

    const res = await client.request({
      method: 'POST',
      path: '/orders',
      body: { sku: 'A-1' },
      headers: { 'Idempotency-Key': 'k-1' },
      idempotent: true,
    });

    expect(res.status).toBe(201);
    expect(upstream.calls).toHaveLength(2);
  });

  it.each([400, 404, 409, 500])(
    'when a GET meets a %i, then it is returned as-is without a retry',
    async (status) => {
      const problem = { type: 'urn:x', title: 'T', status, detail: 'd', code: 'SOME_CODE' };
      upstream = await startUpstream((_call, res) =>
        sendJson(res, status, problem, 'application/problem+json'),
      );
      client = clientFor(upstream.url);

      const res = await client.request({ method: 'GET', path: '/items/nope' });

      expect(res.status).toBe(status);
      expect(res.body).toEqual(problem);
      expect(upstream.calls).toHaveLength(1);
    },
  );

  it('when every try is refused, then the caller gets a ServiceUnavailableError that names the upstream but not its URL', async () => {
    const port = await freePort();
    client = clientFor(`http://svc-user:s3cret@127.0.0.1:${port}`, { retries: 1 });

    const error = await client.request({ method: 'GET', path: '/items' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ServiceUnavailableError);
    const e = error as ServiceUnavailableError;
    expect(e.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(e.headers['retry-after']).toMatch(/^\d+$/);
    expect(e.message).toContain('inventory');
    expect(e.message).not.toMatch(/s3cret|127\.0\.0\.1/);
  });
});
