import { type AuthKit, startAuth } from './support/auth-kit.js';
import { call, type InventoryKit, startInventory } from './support/inventory-kit.js';

describe('PATCH /api/v1/inventory/products/{sku}', () => {
  let auth: AuthKit;
  let inventory: InventoryKit;
  let admin: string;
  let user: string;
  beforeAll(async () => {
    auth = await startAuth();
    // Nothing listens at port 9: the order feed is not part of these tests.
    inventory = await startInventory({ authUrl: auth.url, orderUrl: 'http://127.0.0.1:9' });
    [admin, user] = await Promise.all([auth.adminToken(), auth.userToken()]);
  });
  afterAll(async () => {
    await inventory.stop();
    await auth.stop();
  });

  let counter = 0;
  async function product(stock = 10) {
    counter += 1;
    const sku = `ADM-${counter}`;
    const body = { sku, name: 'Lamp', priceCents: 1500, stock };
    const res = await call(inventory.url, '/api/v1/inventory/products', { body, token: admin });
    expect(res.status).toBe(201);
    return sku;
  }
  const patch = (sku: string, body: unknown, token?: string) =>
    call(inventory.url, `/api/v1/inventory/products/${sku}`, {
      method: 'PATCH',
      body,
      ...(token && { token }),
    });
  const get = async (sku: string) =>
    (await call(inventory.url, `/api/v1/inventory/products/${sku}`)).body;

  it('when an admin restocks, then available grows by that much and the answer shows it', async () => {
    const sku = await product(10);
    const res = await patch(sku, { restock: 5 }, admin);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ sku, name: 'Lamp', priceCents: 1500, available: 15, reserved: 0 });
    expect(await get(sku)).toEqual(res.body);
  });

  it('when an admin renames and reprices, then only those change', async () => {
    const sku = await product(7);
    const res = await patch(sku, { name: 'Desk lamp', priceCents: 1999 }, admin);
    expect(res.status).toBe(200);
    expect(await get(sku)).toEqual({
      sku,
      name: 'Desk lamp',
      priceCents: 1999,
      available: 7,
      reserved: 0,
    });
  });

  it('when a user who is not an admin patches, then 403 ROLE_REQUIRED and nothing changes', async () => {
    const sku = await product(3);
    const res = await patch(sku, { restock: 100 }, user);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('ROLE_REQUIRED');
    expect((await get(sku)).available).toBe(3);
  });

  it('when a service token patches, then 403: admin writes need a person', async () => {
    const sku = await product(3);
    const res = await patch(sku, { restock: 1 }, await auth.serviceToken('order-service'));
    expect(res.status).toBe(403);
    expect((await get(sku)).available).toBe(3);
  });

  it('when no token is sent, then 401', async () => {
    const sku = await product(3);
    expect((await patch(sku, { restock: 1 })).status).toBe(401);
  });

  it.each([
    ['an unknown field', { restock: 1, reserved: 0 }],
    ['a negative restock', { restock: -4 }],
    ['a zero restock', { restock: 0 }],
    ['a fractional restock', { restock: 1.5 }],
    ['a restock as text', { restock: '5' }],
    ['no field at all', {}],
    ['an empty name', { name: '' }],
    ['a negative price', { priceCents: -1 }],
  ])('when the body has %s, then 400 and nothing changes', async (_, body) => {
    const sku = await product(4);
    const res = await patch(sku, body, admin);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(await get(sku)).toEqual({
      sku,
      name: 'Lamp',
      priceCents: 1500,
      available: 4,
      reserved: 0,
    });
  });

  it('when the sku is unknown, then 404 PRODUCT_NOT_FOUND', async () => {
    const res = await patch('NO-SUCH-SKU', { restock: 1 }, admin);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('PRODUCT_NOT_FOUND');
  });
});
