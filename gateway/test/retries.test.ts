import type { IncomingMessage, ServerResponse } from 'node:http';
import { eventually, freePort, refusedUrl, startUpstream, type Upstream } from '@portico/test-kit';
import type { FakeUpstream } from './support/fake-upstream.js';
import { type RunningGateway, send, startGateway, useGateway } from './support/gateway-harness.js';
import { registrySample } from './support/registry-sample.js';

const TIMEOUT_MS = 500;
const BODY_LIMIT = 64 * 1024;
/** Retries alone here: breaker.test.ts covers the circuit. */
const ENV = {
  UPSTREAM_TIMEOUT_MS: String(TIMEOUT_MS),
  UPSTREAM_RETRIES: '2',
  BODY_LIMIT_BYTES: String(BODY_LIMIT),
  BREAKER_FAILURE_THRESHOLD: '1000',
  RATE_LIMIT_PER_MINUTE: '100000',
};
const PRODUCTS = '/api/v1/inventory/products';

const { upstreams, gateway } = useGateway(ENV);

/** How a fake upstream answers its `call`th request (counting from 1). */
type Answer = (req: IncomingMessage, res: ServerResponse, body: Buffer, call: number) => void;

const answer =
  (status: number): Answer =>
  (_req, res, body, call) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ call, status, bytes: body.length }));
  };

const dropConnection: Answer = (req) => req.socket.destroy();

/** The nth call gets the nth answer; calls past the list get the last one. */
function answerInTurn(upstream: FakeUpstream, ...answers: Answer[]): void {
  upstream.handle((req, res, body) => {
    const call = upstream.received.length;
    answers[Math.min(call, answers.length) - 1]!(req, res, body, call);
  });
}

const retries = (running: RunningGateway, upstream: string) =>
  registrySample(running.gateway.registry, 'gateway_upstream_retries_total', { upstream });

describe('retries of repeatable requests', () => {
  it.each([502, 503])(
    'when a GET meets a %i and then a 200, then the client gets the second try’s 200',
    async (status) => {
      answerInTurn(upstreams.inventory, answer(status), answer(200));
      const before = await retries(gateway, 'inventory-service');

      const reply = await send(gateway.url, { path: PRODUCTS });

      expect(reply.status).toBe(200);
      expect(reply.json()).toMatchObject({ call: 2 });
      expect(upstreams.inventory.received).toHaveLength(2);
      expect(await retries(gateway, 'inventory-service')).toBe(before + 1);
    },
  );

  it('when every try of a GET answers 503, then the client gets the last 503 untouched after 1 + UPSTREAM_RETRIES calls', async () => {
    answerInTurn(upstreams.inventory, answer(503));

    const reply = await send(gateway.url, { path: PRODUCTS });

    expect(reply.status).toBe(503);
    expect(reply.json()).toEqual({ call: 3, status: 503, bytes: 0 });
    expect(upstreams.inventory.received).toHaveLength(3);
  });

  it('when the upstream drops the first connection without answering, then the GET is retried and succeeds', async () => {
    answerInTurn(upstreams.order, dropConnection, answer(200));

    const reply = await send(gateway.url, { token: upstreams.token, path: '/api/v1/orders/1' });

    expect(reply.status).toBe(200);
    expect(upstreams.order.received).toHaveLength(2);
  });

  it('when nothing listens at first, then a refused GET is retried and reaches the upstream once it listens', async () => {
    const port = await freePort();
    const late = await startGateway(upstreams, {
      ...ENV,
      INVENTORY_SERVICE_URL: `http://127.0.0.1:${port}`,
      UPSTREAM_RETRIES: '5',
      UPSTREAM_TIMEOUT_MS: '3000',
    });
    let upstream: Upstream | undefined;
    try {
      const pending = send(late.url, { path: PRODUCTS });
      // The first try was refused once a retry is counted; the retry waits its backoff.
      await eventually(
        'a first refused try',
        async () => (await retries(late, 'inventory-service')) >= 1,
      );
      upstream = await startUpstream((_call, res) => {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"late":true}');
      }, port);

      const reply = await pending;

      expect(reply.status).toBe(200);
      expect(reply.json()).toEqual({ late: true });
      expect(upstream.calls).toHaveLength(1);
    } finally {
      await late.close();
      await upstream?.close();
    }
  });

  it('when a PUT with a body meets a 503, then the retry sends the same body, whole', async () => {
    answerInTurn(upstreams.inventory, answer(503), answer(200));
    const body = Buffer.from(JSON.stringify({ name: 'x'.repeat(40_000) }));

    const reply = await send(gateway.url, {
      method: 'PUT',
      path: `${PRODUCTS}/sku-1`,
      token: upstreams.token,
      headers: { 'content-type': 'application/json', 'content-length': body.length },
      body,
    });

    expect(reply.status).toBe(200);
    expect(reply.json()).toMatchObject({ call: 2, bytes: body.length });
    const [first, second] = upstreams.inventory.received;
    expect(first!.body.equals(body)).toBe(true);
    expect(second!.body.equals(body)).toBe(true);
  });

  it('when a chunked PUT is retried, then each try carries the whole body with its Content-Length', async () => {
    answerInTurn(upstreams.inventory, dropConnection, answer(200));
    const body = Buffer.from('{"restock":5}');

    const reply = await send(gateway.url, {
      method: 'PUT',
      path: `${PRODUCTS}/sku-1`,
      token: upstreams.token,
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      body,
    });

    expect(reply.status).toBe(200);
    expect(upstreams.inventory.received).toHaveLength(2);
    for (const received of upstreams.inventory.received) {
      expect(received.body.equals(body)).toBe(true);
      expect(received.headers['content-length']).toBe(String(body.length));
      expect(received.headers['transfer-encoding']).toBeUndefined();
    }
  });

  it('when a chunked body that would be retried grows past BODY_LIMIT_BYTES, then 413 and no upstream hears of it', async () => {
    const reply = await send(gateway.url, {
      method: 'PUT',
      path: `${PRODUCTS}/sku-1`,
      token: upstreams.token,
      headers: { 'transfer-encoding': 'chunked' },
      body: Buffer.alloc(BODY_LIMIT + 1, 'a'),
    });

    expect(reply.status).toBe(413);
    expect(reply.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(upstreams.inventory.received).toHaveLength(0);
  });

  it('when a POST carries an Idempotency-Key and its connection drops, then it is retried and the body arrives intact', async () => {
    answerInTurn(upstreams.order, dropConnection, answer(202));
    const body = Buffer.from(JSON.stringify({ items: [{ sku: 'sku-1', quantity: 2 }] }));

    const reply = await send(gateway.url, {
      method: 'POST',
      path: '/api/v1/orders',
      token: upstreams.token,
      headers: {
        'content-type': 'application/json',
        'content-length': body.length,
        'idempotency-key': 'order-42',
      },
      body,
    });

    expect(reply.status).toBe(202);
    expect(upstreams.order.received).toHaveLength(2);
    expect(upstreams.order.received[1]!.body.equals(body)).toBe(true);
    expect(upstreams.order.received[1]!.headers['idempotency-key']).toBe('order-42');
  });
});

describe('what is never retried', () => {
  it.each([
    ['a 503', 503, answer(503)],
    ['a dropped connection', 502, dropConnection],
  ])(
    'when a POST without Idempotency-Key meets %s, then the client gets a %i and the upstream saw one call',
    async (_what, status, first) => {
      answerInTurn(upstreams.order, first, answer(202));

      const reply = await send(gateway.url, {
        method: 'POST',
        path: '/api/v1/orders',
        token: upstreams.token,
        headers: { 'content-type': 'application/json' },
        body: '{"items":[]}',
      });

      expect(reply.status).toBe(status);
      expect(upstreams.order.received).toHaveLength(1);
    },
  );

  it('when a PATCH meets a 503, then it is passed through and the upstream saw one call', async () => {
    answerInTurn(upstreams.inventory, answer(503), answer(200));

    const reply = await send(gateway.url, {
      method: 'PATCH',
      path: `${PRODUCTS}/sku-1`,
      token: upstreams.token,
      headers: { 'content-type': 'application/json' },
      body: '{"priceCents":100}',
    });

    expect(reply.status).toBe(503);
    expect(upstreams.inventory.received).toHaveLength(1);
  });

  it.each([500, 504, 404, 429])(
    'when a GET is answered %i, then it is passed through and the upstream saw one call',
    async (status) => {
      answerInTurn(upstreams.inventory, answer(status), answer(200));

      const reply = await send(gateway.url, { path: PRODUCTS });

      expect(reply.status).toBe(status);
      expect(upstreams.inventory.received).toHaveLength(1);
    },
  );

  it('when a GET times out, then the client gets the 504 problem and the upstream saw one call', async () => {
    upstreams.inventory.handle((_req, res) => {
      const timer = setTimeout(() => res.end('too late'), 5_000);
      res.on('close', () => clearTimeout(timer));
    });

    const reply = await send(gateway.url, { path: PRODUCTS });

    expect(reply.status).toBe(504);
    expect(reply.json()).toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
    expect(upstreams.inventory.received).toHaveLength(1);
  });

  it('when the upstream fails after its response started, then the client sees a cut response and nothing is retried', async () => {
    upstreams.inventory.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '1000' });
      res.write('the first few bytes');
      setTimeout(() => res.socket?.destroy(), 20);
    });

    await expect(send(gateway.url, { path: PRODUCTS })).rejects.toThrow();
    expect(upstreams.inventory.received).toHaveLength(1);
  });

  it('when every try is refused, then no retry starts after UPSTREAM_TIMEOUT_MS: the 502 comes before the ten allowed retries', async () => {
    const timeoutMs = 300;
    const down = await startGateway(upstreams, {
      ...ENV,
      INVENTORY_SERVICE_URL: await refusedUrl(),
      UPSTREAM_RETRIES: '10',
      UPSTREAM_TIMEOUT_MS: String(timeoutMs),
    });
    try {
      const reply = await send(down.url, { path: PRODUCTS });

      expect(reply.status).toBe(502);
      expect(reply.json()).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
      // Backoff 25–50, 50–100, 100–200 ms…: at least two retries fit, never all ten.
      const count = await retries(down, 'inventory-service');
      expect(count).toBeGreaterThanOrEqual(2);
      expect(count).toBeLessThan(10);
    } finally {
      await down.close();
    }
  });
});
