import { GatewayTimeoutError } from '@portico/errors';
import { eventually, startUpstream, type Upstream } from '@portico/test-kit';
import { createServiceClient, type ServiceClient } from '../src/index.js';

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

  /**
   * An upstream that holds every answer until the test releases it, and counts
   * the calls whose socket the client closed first. Bounding by these events, not
   * by wall-clock, keeps the tests true on a loaded machine.
   */
  async function holdingUpstream() {
    const held: Array<() => void> = [];
    let abandoned = 0;
    const seen = await startUpstream((_call, res) => {
      res.on('close', () => {
        if (!res.writableFinished) abandoned++;
      });
      held.push(() => res.end('{"late":true}'));
    });
    return {
      upstream: seen,
      abandoned: () => abandoned,
      release: () => {
        for (const answer of held.splice(0)) answer();
      },
    };
  }

  it('when the upstream never answers a POST, then it fails with GatewayTimeoutError after timeoutMs, abandoning its one try', async () => {
    const holding = await holdingUpstream();
    upstream = holding.upstream;
    client = clientFor(upstream.url, 3);

    const started = performance.now();
    const error = await client
      .request({ method: 'POST', path: '/orders', body: {} })
      .catch((e: unknown) => e);
    const elapsed = performance.now() - started;

    expect(error).toBeInstanceOf(GatewayTimeoutError);
    expect(error).toMatchObject({ status: 504, code: 'UPSTREAM_TIMEOUT' });
    expect((error as Error).message).toContain('inventory');
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
    // The answer is still held: the client gave up on its own, and closed the socket.
    // The upstream's 'close' event can trail the client's rejection.
    await eventually('the one try abandoned', () => holding.abandoned() === 1);
    holding.release();
    expect(upstream.calls).toHaveLength(1);
  });

  it('when the upstream never answers a GET, then every try gets its own timeout and the tries are bounded', async () => {
    const holding = await holdingUpstream();
    upstream = holding.upstream;
    client = clientFor(upstream.url, 1);

    const started = performance.now();
    await expect(client.request({ method: 'GET', path: '/items' })).rejects.toBeInstanceOf(
      GatewayTimeoutError,
    );
    const elapsed = performance.now() - started;

    expect(elapsed).toBeGreaterThanOrEqual(2 * TIMEOUT_MS - 5);
    // Each try was abandoned by its own timeout, while the upstream still held its answer.
    await eventually('both tries abandoned', () => holding.abandoned() === 2);
    holding.release();
    expect(upstream.calls).toHaveLength(2);
  });

  it('when the upstream sends headers but stalls the body, then the timeout still applies', async () => {
    upstream = await startUpstream((_call, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"partial":');
    });
    client = clientFor(upstream.url, 0);

    await expect(client.request({ method: 'GET', path: '/items' })).rejects.toMatchObject({
      code: 'UPSTREAM_TIMEOUT',
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
