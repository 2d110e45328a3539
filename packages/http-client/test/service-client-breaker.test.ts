import { ServiceUnavailableError } from '@portico/errors';
import { freePort, sendJson, startUpstream, type Upstream } from '@portico/test-kit';
import { createServiceClient, type ServiceClient } from '../src/index.js';

const FAILURES = 3;
const HALF_OPEN_AFTER_MS = 200;

describe('createServiceClient circuit breaker', () => {
  let upstream: Upstream;
  let client: ServiceClient;
  let healthy: boolean;

  beforeEach(async () => {
    healthy = false;
    upstream = await startUpstream((_call, res) =>
      healthy ? sendJson(res, 200, { ok: true }) : sendJson(res, 500, { code: 'BROKEN' }),
    );
    client = createServiceClient({
      name: 'inventory',
      baseUrl: upstream.url,
      timeoutMs: 500,
      retries: 0,
      breaker: { consecutiveFailures: FAILURES, halfOpenAfterMs: HALF_OPEN_AFTER_MS },
    });
  });

  afterEach(async () => {
    await client.close();
    await upstream.close();
  });

  async function tripBreaker(): Promise<void> {
    for (let i = 0; i < FAILURES; i++) {
      const res = await client.request({ method: 'GET', path: '/items' });
      expect(res.status).toBe(500);
    }
  }

  it('when N calls in a row fail, then the next calls fail fast with 503 without reaching the upstream', async () => {
    await tripBreaker();

    for (let i = 0; i < 5; i++) {
      // Fast is shown by events, not a stopwatch: no call reaches the upstream (asserted below).
      const error = await client
        .request({ method: 'GET', path: '/items' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ServiceUnavailableError);
      expect(error).toMatchObject({ status: 503, code: 'UPSTREAM_UNAVAILABLE' });
      expect((error as ServiceUnavailableError).headers['retry-after']).toBe('1');
    }
    expect(upstream.calls).toHaveLength(FAILURES);
  });

  it('when halfOpenAfterMs has passed and the upstream is healthy again, then a call goes through and the breaker closes', async () => {
    await tripBreaker();
    const openedAt = performance.now();
    healthy = true;

    // Poll instead of sleeping: each refused call proves the breaker still holds.
    let res = await client.request({ method: 'GET', path: '/items' }).catch(() => undefined);
    while (!res) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      res = await client.request({ method: 'GET', path: '/items' }).catch(() => undefined);
    }

    expect(res.status).toBe(200);
    expect(performance.now() - openedAt).toBeGreaterThanOrEqual(HALF_OPEN_AFTER_MS - 5);
    expect(upstream.calls).toHaveLength(FAILURES + 1);
    await client.request({ method: 'GET', path: '/items' });
    expect(upstream.calls).toHaveLength(FAILURES + 2);
  });

  it('when 4xx answers come between failures, then they count as health and the breaker stays closed', async () => {
    const statuses = [500, 500, 404, 500, 500];
    let n = 0;
    await upstream.close();
    upstream = await startUpstream((_call, res) => sendJson(res, statuses[n++] ?? 200, {}));
    await client.close();
    client = createServiceClient({
      name: 'inventory',
      baseUrl: upstream.url,
      timeoutMs: 500,
      retries: 0,
      breaker: { consecutiveFailures: FAILURES, halfOpenAfterMs: HALF_OPEN_AFTER_MS },
    });

    for (const status of statuses) {
      expect((await client.request({ method: 'GET', path: '/items' })).status).toBe(status);
    }
    expect((await client.request({ method: 'GET', path: '/items' })).status).toBe(200);
  });

  it('when connections are refused N times in a row, then the breaker opens too', async () => {
    const down = createServiceClient({
      name: 'inventory',
      baseUrl: `http://127.0.0.1:${await freePort()}`,
      timeoutMs: 500,
      retries: 0,
      breaker: { consecutiveFailures: FAILURES, halfOpenAfterMs: HALF_OPEN_AFTER_MS },
    });
    const call = () =>
      down.request({ method: 'GET', path: '/items' }).catch((e: Error) => e.message);

    for (let i = 0; i < FAILURES; i++) expect(await call()).toMatch(/unreachable/);
    expect(await call()).toMatch(/circuit open/);
    await down.close();
  });
});
