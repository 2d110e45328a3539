import { randomUUID } from 'node:crypto';
import type { Order } from '../src/data/order-repository.js';
import {
  type OrderEventsKit,
  readEvents,
  type ServerSentEvent,
  startOrderEvents,
  subjectOf,
} from './support/order-events-kit.js';

const PER_USER = 2;
const PER_PROCESS = 3;

describe('GET /api/v1/orders/{id}/events, over HTTP on SQLite', () => {
  let kit: OrderEventsKit;
  let ada: string;
  let bob: string;
  const open = new Set<AbortController>();

  beforeAll(async () => {
    kit = await startOrderEvents({
      ORDER_STREAMS_PER_USER: String(PER_USER),
      ORDER_STREAMS_MAX: String(PER_PROCESS),
      ORDER_STREAM_POLL_MS: '50',
    });
    [ada, bob] = await Promise.all([kit.auth.userToken(), kit.auth.userToken()]);
  });
  afterEach(() => {
    for (const controller of open) controller.abort();
    open.clear();
  });
  afterAll(() => kit.stop());

  /** A pending order of the token's owner, written as the service writes one. */
  async function pendingOrder(token: string): Promise<string> {
    const order = await kit.repository.insert({
      id: randomUUID(),
      userId: subjectOf(token),
      items: [{ sku: 'SKU-CABLE', quantity: 1 }],
      idempotencyKey: null,
      requestHash: null,
      at: Date.now(),
    });
    return order.id;
  }

  const confirm = (id: string) =>
    kit.repository.transition(id, 'pending', 'confirmed', {
      at: Date.now(),
      detail: 'stock reserved',
    });

  async function watch(id: string, token: string, headers: Record<string, string> = {}) {
    const controller = new AbortController();
    open.add(controller);
    const res = await fetch(`${kit.url}/api/v1/orders/${id}/events`, {
      headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream', ...headers },
      signal: controller.signal,
    });
    const events = res.body ? readEvents(res.body) : undefined;
    const next = async (): Promise<ServerSentEvent | undefined> => {
      for (;;) {
        const { value, done } = await events!.next();
        if (done) return undefined;
        if (value.event !== 'comment') return value;
      }
    };
    return { res, next, close: () => controller.abort() };
  }

  /** A slot is freed when the server sees its socket close: retry while refused, boundedly. */
  async function watchOnceFree(id: string, token: string) {
    for (let attempt = 0; ; attempt++) {
      const stream = await watch(id, token);
      if (![429, 503].includes(stream.res.status) || attempt === 100) return stream;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  const problemOf = async (stream: { res: Response }) =>
    (await stream.res.json()) as { code: string; status: number };

  const order = (event: ServerSentEvent | undefined) => JSON.parse(event!.data) as Order;

  it('when a pending order is watched and then confirmed, then each step arrives in order and the stream ends after confirmed', async () => {
    const id = await pendingOrder(ada);
    const stream = await watch(id, ada);
    expect(stream.res.status).toBe(200);
    expect(stream.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(stream.res.headers.get('cache-control')).toBe('no-store');

    const first = await stream.next();
    expect(first).toMatchObject({ event: 'status', id: '0' });
    expect(order(first)).toMatchObject({ id, status: 'pending', history: [{ status: 'pending' }] });

    expect(await confirm(id)).toBe(true);
    const second = await stream.next();
    expect(second).toMatchObject({ event: 'status', id: '1' });
    expect(order(second).status).toBe('confirmed');
    expect(order(second).history.map((h) => h.status)).toEqual(['pending', 'confirmed']);
    expect(await stream.next()).toBeUndefined();
  });

  it('when a client reconnects with Last-Event-ID, then only later steps come; past the terminal step, 204', async () => {
    const id = await pendingOrder(ada);
    await kit.repository.note(id, { at: Date.now(), detail: 'still waiting' });
    await confirm(id);

    const resumed = await watch(id, ada, { 'last-event-id': '0' });
    expect([(await resumed.next())?.id, (await resumed.next())?.id]).toEqual(['1', '2']);
    expect(await resumed.next()).toBeUndefined();

    const done = await watch(id, ada, { 'last-event-id': '2' });
    expect(done.res.status).toBe(204);
    const bad = await watch(id, ada, { 'last-event-id': 'yesterday' });
    expect(bad.res.status).toBe(400);
    expect((await problemOf(bad)).code).toBe('INVALID_LAST_EVENT_ID');
  });

  it('when another user watches an order, then 404 as for reading it; an admin may; no token, 401', async () => {
    const id = await pendingOrder(ada);
    const stranger = await watch(id, bob);
    expect(stranger.res.status).toBe(404);
    expect((await problemOf(stranger)).code).toBe('ORDER_NOT_FOUND');
    const admin = await watch(id, await kit.auth.adminToken());
    expect(admin.res.status).toBe(200);
    expect(order(await admin.next()).userId).toBe(subjectOf(ada));
    const anonymous = await fetch(`${kit.url}/api/v1/orders/${id}/events`);
    expect(anonymous.status).toBe(401);
  });

  it('when a user holds the streams a user may, then 429; when the process holds its bound, then 503 with Retry-After; a closed stream frees its slot', async () => {
    const adaOrder = await pendingOrder(ada);
    const bobOrder = await pendingOrder(bob);
    const held = [await watch(adaOrder, ada), await watch(adaOrder, ada)];
    for (const stream of held) expect(stream.res.status).toBe(200);

    const third = await watch(adaOrder, ada);
    expect(third.res.status).toBe(429);
    expect((await problemOf(third)).code).toBe('TOO_MANY_USER_STREAMS');
    expect(third.res.headers.get('retry-after')).toMatch(/^\d+$/);

    expect((await watch(bobOrder, bob)).res.status).toBe(200);
    const full = await watch(bobOrder, bob);
    expect(full.res.status).toBe(503);
    expect((await problemOf(full)).code).toBe('TOO_MANY_STREAMS');
    expect(full.res.headers.get('retry-after')).toMatch(/^\d+$/);

    held[0]!.close();
    expect((await watchOnceFree(bobOrder, bob)).res.status).toBe(200);
  });

  // Last: draining stays on.
  it('when the service starts draining, then open streams end', async () => {
    const stream = await watchOnceFree(await pendingOrder(ada), ada);
    expect((await stream.next())?.id).toBe('0');
    kit.drain();
    expect(await stream.next()).toBeUndefined();
  });
});
