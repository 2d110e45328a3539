import { GatewayTimeoutError } from '@portico/errors';
import { createServiceClient, type ServiceClient, UPSTREAM_TIMEOUT } from '../src/index.js';
import { startUpstream, type Upstream } from './upstream-server.js';

const TIMEOUT_MS = 150;

describe('createServiceClient per-try timeout', () => {
  let upstream: Upstream | undefined;
  let client: ServiceClient | undefined;

  afterEach(async () => {
    await client?.close();
    await upstream?.close();
    client = undefined;
    upstream = undefined;
  });

  function clientFor(baseUrl: string, retries: number) {
    return createServiceClient({
      name: 'inventory',
      baseUrl,
      timeoutMs: TIMEOUT_MS,
      retries,
      backoff: { initialDelayMs: 10, maxDelayMs: 20 },
    });
  }

  it('when the upstream never answers a POST, then it fails with GatewayTimeoutError after about timeoutMs', async () => {
    upstream = await startUpstream(() => undefined);
    client = clientFor(upstream.url, 3);

    const started = performance.now();
    const error = await client
      .request({ method: 'POST', path: '/orders', body: {} })
      .catch((e: unknown) => e);
    const elapsed = performance.now() - started;

    expect(error).toBeInstanceOf(GatewayTimeoutError);
    expect(error).toMatchObject({ status: 504, code: UPSTREAM_TIMEOUT });
    expect((error as Error).message).toContain('inventory');
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
    expect(elapsed).toBeLessThan(TIMEOUT_MS * 2);
    expect(upstream.calls).toHaveLength(1);
  });

  it('when the upstream never answers a GET, then every try gets its own timeout and the tries are bounded', async () => {
    upstream = await startUpstream(() => undefined);
    client = clientFor(upstream.url, 1);

    const started = performance.now();
    await expect(client.request({ method: 'GET', path: '/items' })).rejects.toBeInstanceOf(
      GatewayTimeoutError,
    );
    const elapsed = performance.now() - started;

    expect(upstream.calls).toHaveLength(2);
    expect(elapsed).toBeGreaterThanOrEqual(2 * TIMEOUT_MS - 5);
    expect(elapsed).toBeLessThan(3 * TIMEOUT_MS);
  });

  it('when the upstream sends headers but stalls the body, then the timeout still applies', async () => {
    upstream = await startUpstream((_call, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"partial":');
    });
    client = clientFor(upstream.url, 0);

    await expect(client.request({ method: 'GET', path: '/items' })).rejects.toMatchObject({
      code: UPSTREAM_TIMEOUT,
    });
  });

  it("when the caller's signal aborts, then the call stops with the caller's reason", async () => {
    upstream = await startUpstream(() => undefined);
    client = clientFor(upstream.url, 3);
    const caller = new AbortController();
    const pending = client.request({ method: 'GET', path: '/items', signal: caller.signal });
    setTimeout(() => caller.abort(new Error('caller gave up')), 20);
    await expect(pending).rejects.toThrow('caller gave up');
    expect(upstream.calls.length).toBeLessThanOrEqual(1);
  });
});
