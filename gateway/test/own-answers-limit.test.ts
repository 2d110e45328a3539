import { allReceived, send, useGateway } from './support/gateway-harness.js';

const LIMIT = 5;

describe("the gateway's own answers (404s, docs, metrics) are counted per address", () => {
  const { upstreams, gateway } = useGateway({ RATE_LIMIT_PER_MINUTE: String(LIMIT) });

  it('when one address floods unknown paths, then past the limit it gets 429 with Retry-After, the docs too, and no upstream hears any of it', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 3; i++) {
      statuses.push((await send(gateway.url, { path: `/no-such-path-${i}` })).status);
    }
    expect(statuses).toEqual([...Array(LIMIT).fill(404), 429, 429, 429]);

    const refused = await send(gateway.url, { path: '/openapi.json' });
    expect(refused.status).toBe(429);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.json()).toMatchObject({
      status: 429,
      code: 'RATE_LIMITED',
      instance: '/openapi.json',
    });
    expect((await send(gateway.url, { path: '/metrics' })).status).toBe(429);
    expect(allReceived(upstreams)).toHaveLength(0);
  });

  it('when the probes are asked past the limit, then they still answer: orchestrators and start-up waits probe often, and both are answered from memory', async () => {
    for (let i = 0; i < LIMIT + 5; i++) {
      expect((await send(gateway.url, { path: '/healthz' })).status).toBe(200);
      expect((await send(gateway.url, { path: '/readyz' })).status).toBe(200);
    }
  });
});
