import { randomUUID } from 'node:crypto';
import type { components } from '@portico/openapi/order';
import { type OrderEventsKit, startOrderEvents, subjectOf } from './support/order-events-kit.js';

type Schemas = components['schemas'];

describe('GET /api/v2/orders beside GET /api/v1/orders, over HTTP on SQLite', () => {
  let kit: OrderEventsKit;
  let ada: string;
  /** Ada's orders, newest first. */
  const placed: string[] = [];

  beforeAll(async () => {
    kit = await startOrderEvents({});
    ada = await kit.auth.userToken();
    for (const at of [1_000, 2_000, 3_000]) {
      const order = await kit.repository.insert({
        id: randomUUID(),
        userId: subjectOf(ada),
        items: [{ sku: 'SKU-CABLE', quantity: 1 }],
        idempotencyKey: null,
        requestHash: null,
        at,
      });
      placed.unshift(order.id);
    }
  });
  afterAll(() => kit.stop());

  async function get<Body>(path: string, token?: string) {
    const res = await fetch(`${kit.url}${path}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    return { status: res.status, body: (await res.json()) as Body };
  }

  it('when a user pages through v2, then each page is data and links, and links.next leads to the last page', async () => {
    const first = await get<Schemas['OrderPageV2']>('/api/v2/orders?limit=2', ada);
    expect(first.status).toBe(200);
    expect(first.body.data.map((order) => order.id)).toEqual(placed.slice(0, 2));
    expect(first.body.links.next).toMatch(/^\/api\/v2\/orders\?limit=2&cursor=[A-Za-z0-9_-]+$/);

    const last = await get<Schemas['OrderPageV2']>(first.body.links.next!, ada);
    expect(last.body).toEqual({
      data: [expect.objectContaining({ id: placed[2], status: 'pending' })],
      links: { next: null },
    });
  });

  it('when the same user pages through v1, then it keeps its items and nextCursor shape', async () => {
    const first = await get<Schemas['OrderPage']>('/api/v1/orders?limit=2', ada);
    expect(Object.keys(first.body).sort()).toEqual(['items', 'nextCursor']);
    expect(first.body.items.map((order) => order.id)).toEqual(placed.slice(0, 2));

    const last = await get<Schemas['OrderPage']>(
      `/api/v1/orders?limit=2&cursor=${first.body.nextCursor}`,
      ada,
    );
    expect(last.body.items.map((order) => order.id)).toEqual([placed[2]]);
    expect(last.body.nextCursor).toBeNull();
  });

  it('when v2 gets a bad cursor, a limit out of range or no token, then 400, 400, 401', async () => {
    const badCursor = await get<Schemas['Problem']>('/api/v2/orders?cursor=bm9wZQ', ada);
    expect([badCursor.status, badCursor.body.code]).toEqual([400, 'INVALID_CURSOR']);
    expect((await get('/api/v2/orders?limit=101', ada)).status).toBe(400);
    expect((await get('/api/v2/orders')).status).toBe(401);
  });
});
