import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createPortico } from '@portico/sdk';
import { listenLocally } from '@portico/test-kit';

type Seen = { method: string; path: string; key: string | undefined };

/**
 * A real HTTP server that drops the connection under the first request to each
 * path (after reading it, so a non-idempotent request would have taken effect),
 * then answers normally. It remembers every request it read.
 */
async function flakyServer() {
  const seen: Seen[] = [];
  const dropped = new Set<string>();
  const server: Server = createServer((req: IncomingMessage, res) => {
    req.resume();
    req.on('end', () => {
      const path = req.url ?? '/';
      const key = req.headers['idempotency-key'] as string | undefined;
      seen.push({ method: req.method ?? '', path, key });
      if (!dropped.has(path)) {
        dropped.add(path);
        req.socket.destroy();
        return;
      }
      res.writeHead(path === '/api/v1/orders' ? 202 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: key ?? 'none', items: [], nextCursor: null }));
    });
  });
  return { ...(await listenLocally(server)), seen };
}

describe('a connection lost under a request', () => {
  let server: Awaited<ReturnType<typeof flakyServer>>;
  beforeEach(async () => {
    server = await flakyServer();
  });
  afterEach(() => server.close());

  it('when an order is placed without a key, then the SDK gives it one and sends it once more with the same key', async () => {
    const portico = createPortico({ baseUrl: server.url });
    const placed = await portico.orders.POST('/api/v1/orders', {
      body: { items: [{ sku: 'SKU-1', quantity: 1 }] },
    });
    expect(placed.response.status).toBe(202);
    const keys = server.seen.map((s) => s.key);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
  });

  it("when the caller set the order's key, then the retry keeps it", async () => {
    const portico = createPortico({ baseUrl: server.url });
    await portico.orders.POST('/api/v1/orders', {
      params: { header: { 'Idempotency-Key': 'my-own-key' } },
      body: { items: [{ sku: 'SKU-1', quantity: 1 }] },
    });
    expect(server.seen.map((s) => s.key)).toEqual(['my-own-key', 'my-own-key']);
  });

  it('when a read loses its connection, then it is sent once more', async () => {
    const portico = createPortico({ baseUrl: server.url });
    const list = await portico.inventory.GET('/api/v1/inventory/products');
    expect(list.response.status).toBe(200);
    expect(server.seen.map((s) => s.method)).toEqual(['GET', 'GET']);
  });

  it('when a POST without a key loses its connection, then it is not repeated: the caller sees the failure', async () => {
    const portico = createPortico({ baseUrl: server.url });
    await expect(
      portico.session.register({ email: 'a@example.com', password: 'long enough', name: 'A' }),
    ).rejects.toThrow('fetch failed');
    expect(server.seen).toHaveLength(1);
  });
});
