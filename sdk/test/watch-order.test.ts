import { createPortico, memoryTokenStore, PorticoError, unwrap, watchOrder } from '@portico/sdk';
import { type System, startSystem } from '../../e2e/test/support/system.js';

describe('watchOrder, against the whole system through the gateway', () => {
  let system: System;
  beforeAll(async () => {
    system = await startSystem();
  });
  afterAll(() => system.stop());

  async function shopper() {
    const tokens = memoryTokenStore();
    const portico = createPortico({ baseUrl: system.gateway, tokens });
    const email = `watcher-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`;
    const password = 'a long enough password';
    await portico.session.register({ email, password, name: 'Ada' });
    await portico.session.login({ email, password });
    return { portico, tokens };
  }

  const place = async (portico: ReturnType<typeof createPortico>, sku = 'SKU-CABLE') =>
    unwrap(
      await portico.orders.POST('/api/v1/orders', { body: { items: [{ sku, quantity: 1 }] } }),
    );

  it('when an order is placed and watched, then it yields pending, then confirmed, and ends', async () => {
    const { portico } = await shopper();
    const order = await place(portico);
    const seen = [];
    for await (const snapshot of watchOrder(portico, order.id)) seen.push(snapshot);
    expect(seen.map((o) => o.status)).toEqual(['pending', 'confirmed']);
    expect(seen.at(-1)).toMatchObject({ id: order.id, totalCents: 900 });
  });

  it('when the stored access token is no longer valid, then the session refreshes it once and the watch goes on', async () => {
    const { portico, tokens } = await shopper();
    const order = await place(portico, 'SKU-NO-SUCH-THING');
    const current = (await tokens.load())!;
    await tokens.save({ ...current, access_token: 'not-a-token' });
    const statuses = [];
    for await (const snapshot of watchOrder(portico, order.id)) statuses.push(snapshot.status);
    expect(statuses).toEqual(['pending', 'rejected']);
    expect((await tokens.load())!.refresh_token).not.toBe(current.refresh_token);
  });

  it("when someone else's order is watched, then a PorticoError 404 ORDER_NOT_FOUND", async () => {
    const { portico: ada } = await shopper();
    const { portico: bob } = await shopper();
    const order = await place(ada);
    const watching = watchOrder(bob, order.id).next();
    await expect(watching).rejects.toBeInstanceOf(PorticoError);
    await expect(watching).rejects.toMatchObject({ status: 404, code: 'ORDER_NOT_FOUND' });
  });

  it('when the signal is aborted, then the iteration rejects with its reason', async () => {
    const { portico } = await shopper();
    const order = await place(portico);
    const controller = new AbortController();
    const first = watchOrder(portico, order.id, { signal: controller.signal }).next();
    controller.abort(new Error('stop watching'));
    await expect(first).rejects.toThrow('stop watching');
  });
});
