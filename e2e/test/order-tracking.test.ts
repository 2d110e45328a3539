import { createPortico, readServerSentEvents, unwrap, watchOrder } from '@portico/sdk';
import { type System, startSystem } from './support/system.js';

describe('order tracking by server-sent events, through the gateway of the embedded system', () => {
  let system: System;
  beforeAll(async () => {
    system = await startSystem();
  });
  afterAll(() => system.stop());

  async function shopper() {
    const portico = createPortico({ baseUrl: system.gateway });
    const email = `tracker-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`;
    const password = 'a long enough password';
    await portico.session.register({ email, password, name: 'Ada' });
    const tokens = await portico.session.login({ email, password });
    return { portico, token: tokens.access_token };
  }

  it('when a user places an order and watches it with the SDK, then they see it pending, then confirmed, as the order service has it', async () => {
    const { portico } = await shopper();
    const placed = unwrap(
      await portico.orders.POST('/api/v1/orders', {
        body: { items: [{ sku: 'SKU-CABLE', quantity: 2 }] },
      }),
    );
    const seen = [];
    for await (const order of watchOrder(portico, placed.id)) seen.push(order);

    expect(seen.map((o) => o.status)).toEqual(['pending', 'confirmed']);
    const stored = unwrap(
      await portico.orders.GET('/api/v1/orders/{id}', { params: { path: { id: placed.id } } }),
    );
    expect(seen.at(-1)).toEqual(stored);
  });

  it('when a client resumes through the gateway with Last-Event-ID, then only the later steps come; with the terminal one, 204', async () => {
    const { portico, token } = await shopper();
    const placed = unwrap(
      await portico.orders.POST('/api/v1/orders', {
        body: { items: [{ sku: 'SKU-NO-SUCH-THING', quantity: 1 }] },
      }),
    );
    for await (const _ of watchOrder(portico, placed.id));
    const url = `${system.gateway}/api/v1/orders/${placed.id}/events`;
    const headers = { authorization: `Bearer ${token}`, accept: 'text/event-stream' };

    const resumed = await fetch(url, { headers: { ...headers, 'last-event-id': '0' } });
    expect(resumed.status).toBe(200);
    expect(resumed.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(resumed.headers.get('cache-control')).toBe('no-store');
    const events = [];
    for await (const event of readServerSentEvents(resumed.body!)) events.push(event);
    expect(events.map((e) => [e.event, e.id, JSON.parse(e.data).status])).toEqual([
      ['status', '1', 'rejected'],
    ]);

    const done = await fetch(url, { headers: { ...headers, 'last-event-id': '1' } });
    expect(done.status).toBe(204);
    const anonymous = await fetch(url, { headers: { accept: 'text/event-stream' } });
    expect(anonymous.status).toBe(401);
  });
});
