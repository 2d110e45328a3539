import { runWithContext, traceContextFrom, traceparentOf } from '@portico/logging';
import { sendJson, startUpstream, type Upstream } from '@portico/test-kit';
import {
  createServiceClient,
  createServiceTokenProvider,
  type ServiceClient,
} from '../src/index.js';
import { startAuth } from './upstream-server.js';

describe('createServiceClient headers, body and service token', () => {
  let upstream: Upstream | undefined;
  let auth: Upstream | undefined;
  let client: ServiceClient | undefined;

  afterEach(async () => {
    await client?.close();
    await upstream?.close();
    await auth?.close();
    client = undefined;
    upstream = undefined;
    auth = undefined;
  });

  function clientFor(baseUrl: string, authUrl?: string) {
    return createServiceClient({
      name: 'inventory',
      baseUrl,
      timeoutMs: 1000,
      retries: 1,
      ...(authUrl
        ? {
            tokenProvider: createServiceTokenProvider({
              authUrl,
              clientId: 'order-service',
              clientSecret: 'order-secret',
            }),
          }
        : {}),
    });
  }

  it('when called inside a request context, then the upstream receives its request id, traceparent and a bearer token', async () => {
    upstream = await startUpstream((_call, res) => sendJson(res, 200, {}));
    auth = await startAuth();
    client = clientFor(upstream.url, auth.url);
    const ctx = traceContextFrom({ 'x-request-id': 'req-42' });

    await runWithContext(ctx, () => client!.request({ method: 'GET', path: '/items' }));

    const seen = upstream.calls[0]!.headers;
    expect(seen['x-request-id']).toBe('req-42');
    expect(seen.traceparent).toBe(traceparentOf(ctx));
    expect(seen.authorization).toBe('Bearer token-1');
  });

  it('when a body is given, then it is sent as JSON and the JSON answer is parsed', async () => {
    upstream = await startUpstream((call, res) =>
      sendJson(res, 201, { echoed: JSON.parse(call.body) }),
    );
    client = clientFor(`${upstream.url}/api/v1/`);

    const res = await client.request<{ echoed: unknown }>({
      method: 'POST',
      path: '/orders',
      body: { sku: 'A-1', qty: 2 },
    });

    expect(res.status).toBe(201);
    expect(res.body).toEqual({ echoed: { sku: 'A-1', qty: 2 } });
    expect(res.headers['content-type']).toBe('application/json');
    const call = upstream.calls[0]!;
    expect(call.url).toBe('/api/v1/orders');
    expect(call.headers['content-type']).toBe('application/json');
    expect(call.headers.authorization).toBeUndefined();
  });

  it('when the answer is not JSON, then its body is drained and reported as undefined', async () => {
    upstream = await startUpstream((_call, res) =>
      res.writeHead(200, { 'content-type': 'text/plain' }).end('hello'),
    );
    client = clientFor(upstream.url);

    const first = await client.request({ method: 'GET', path: '/a' });
    const second = await client.request({ method: 'GET', path: '/b' });

    expect(first).toMatchObject({ status: 200, body: undefined });
    expect(second.status).toBe(200);
  });

  it('when the upstream answers 401, then the client fetches a new token once and repeats the call', async () => {
    upstream = await startUpstream((call, res) =>
      call.headers.authorization === 'Bearer token-1'
        ? sendJson(res, 401, { code: 'TOKEN_REVOKED' }, 'application/problem+json')
        : sendJson(res, 201, { id: 'o-1' }),
    );
    auth = await startAuth();
    client = clientFor(upstream.url, auth.url);

    const res = await client.request({ method: 'POST', path: '/orders', body: {} });

    expect(res.status).toBe(201);
    expect(auth.calls).toHaveLength(2);
    expect(upstream.calls.map((c) => c.headers.authorization)).toEqual([
      'Bearer token-1',
      'Bearer token-2',
    ]);
  });

  it('when the upstream answers 401 to the fresh token too, then the 401 is returned after one renewal', async () => {
    upstream = await startUpstream((_call, res) => sendJson(res, 401, { code: 'UNAUTHORIZED' }));
    auth = await startAuth();
    client = clientFor(upstream.url, auth.url);

    const res = await client.request({ method: 'GET', path: '/items' });

    expect(res.status).toBe(401);
    expect(auth.calls).toHaveLength(2);
    expect(upstream.calls).toHaveLength(2);
  });
});
