import { randomUUID } from 'node:crypto';
import { eventually } from '@portico/test-kit';
import { contractSuite, OVERSIZED, PLAIN_TEXT } from '../support/contract-suite.js';
import { ADMIN, call as callService } from '../support/system.js';

const LIST = 'GET /api/v1/inventory/products';
const CREATE = 'POST /api/v1/inventory/products';
const PRODUCT = 'GET /api/v1/inventory/products/{sku}';
const UPDATE = 'PATCH /api/v1/inventory/products/{sku}';
const RESERVATION = 'GET /internal/v1/reservations/{orderId}';
const EVENTS = 'GET /internal/v1/events';

const newSku = () => `SKU-${randomUUID().slice(0, 8)}`;

describe('inventory.yaml, against the running inventory service', () => {
  const suite = contractSuite('inventory');
  const { call } = suite;

  it('when anyone lists or reads products, then 200; a bad limit or cursor 400; an unknown sku 404, a malformed one 400', async () => {
    const first = await call(LIST, { query: { limit: 2 } });
    expect(first.body.items).toHaveLength(2);
    const next = await call(LIST, { query: { limit: 2, cursor: first.body.nextCursor } });
    expect(next.body.items[0].sku > first.body.items[1].sku).toBe(true);
    expect((await call(LIST, { query: { limit: 'many' } })).status).toBe(400);
    expect((await call(LIST, { query: { cursor: '!!' } })).status).toBe(400);
    const keyboard = await call(PRODUCT, { params: { sku: 'SKU-KEYBOARD' } });
    expect(keyboard.body).toMatchObject({ sku: 'SKU-KEYBOARD', reserved: 0 });
    expect((await call(PRODUCT, { params: { sku: newSku() } })).status).toBe(404);
    expect((await call(PRODUCT, { params: { sku: '-not a sku' } })).status).toBe(400);
  });

  it('when an admin creates a product, then 201 with a Location; a taken sku 409, bad bodies 400/413/415, no token 401, a user 403', async () => {
    const token = await suite.adminToken();
    const body = { sku: newSku(), name: 'Desk lamp', priceCents: 1999, stock: 5 };
    const created = await call(CREATE, { body, token });
    expect(created.headers.get('location')).toBe(`/api/v1/inventory/products/${body.sku}`);
    expect(created.body).toEqual({ ...body, stock: undefined, available: 5, reserved: 0 });
    expect((await call(CREATE, { body, token })).body.code).toBe('SKU_TAKEN');
    const negative = { ...body, sku: newSku(), priceCents: -1 };
    expect((await call(CREATE, { body: negative, token })).status).toBe(400);
    expect(
      (await call(CREATE, { body: { ...body, sku: newSku(), reserved: 1 }, token })).status,
    ).toBe(400);
    expect((await call(CREATE, { raw: OVERSIZED, token })).status).toBe(413);
    expect((await call(CREATE, { raw: PLAIN_TEXT, token })).status).toBe(415);
    expect((await call(CREATE, { body: { ...body, sku: newSku() } })).status).toBe(401);
    const user = await suite.newUser();
    expect(
      (await call(CREATE, { body: { ...body, sku: newSku() }, token: user.token })).status,
    ).toBe(403);
  });

  it('when an admin renames, reprices or restocks, then 200; an empty change 400, unknown 404, bad bodies 413/415, no token 401, a user 403', async () => {
    const token = await suite.adminToken();
    const sku = newSku();
    await call(CREATE, { body: { sku, name: 'Chair', priceCents: 4900, stock: 1 }, token });
    const params = { sku };
    const changed = await call(UPDATE, { params, body: { name: 'Stool', restock: 2 }, token });
    expect(changed.body).toMatchObject({ name: 'Stool', available: 3 });
    expect((await call(UPDATE, { params, body: {}, token })).status).toBe(400);
    expect((await call(UPDATE, { params, body: { restock: 0 }, token })).status).toBe(400);
    expect(
      (await call(UPDATE, { params: { sku: newSku() }, body: { restock: 1 }, token })).status,
    ).toBe(404);
    expect((await call(UPDATE, { params, raw: OVERSIZED, token })).status).toBe(413);
    expect((await call(UPDATE, { params, raw: PLAIN_TEXT, token })).status).toBe(415);
    expect((await call(UPDATE, { params, body: { restock: 1 } })).status).toBe(401);
    const user = await suite.newUser();
    expect((await call(UPDATE, { params, body: { restock: 1 }, token: user.token })).status).toBe(
      403,
    );
  });

  it('when a service reads what inventory did for an order, then 200 reserved or rejected; unknown 404, not a uuid 400, no token 401, no scope 403', async () => {
    const user = await suite.newUser();
    const place = (sku: string) =>
      callService(suite.system.order, '/api/v1/orders', {
        body: { items: [{ sku, quantity: 1 }] },
        token: user.token,
      });
    const held = (await place('SKU-MOUSE')).body.id as string;
    const refused = (await place(newSku())).body.id as string;
    const token = await suite.serviceToken('order-service', 'inventory:read');
    const stateOf = async (orderId: string) =>
      (await call(RESERVATION, { params: { orderId }, token })).body.state;
    await eventually('the first order reserved', async () => (await stateOf(held)) === 'reserved', {
      timeoutMs: 10_000,
    });
    await eventually(
      'the second order rejected',
      async () => (await stateOf(refused)) === 'rejected',
      { timeoutMs: 10_000 },
    );
    const reservation = await call(RESERVATION, { params: { orderId: held }, token });
    expect(reservation.body.items).toEqual([
      { sku: 'SKU-MOUSE', quantity: 1, unitPriceCents: 2900 },
    ]);
    const params = { orderId: randomUUID() };
    expect((await call(RESERVATION, { params, token })).status).toBe(404);
    expect((await call(RESERVATION, { params: { orderId: 'nope' }, token })).status).toBe(400);
    expect((await call(RESERVATION, { params })).status).toBe(401);
    const other = await suite.serviceToken('inventory-service');
    expect((await call(RESERVATION, { params, token: other })).status).toBe(403);
  });

  it('when a service reads the event feed, then 200 pages; 400 out of range, 401 without a token, 403 for a user', async () => {
    const token = await suite.serviceToken('order-service', 'events:read');
    expect((await call(EVENTS, { query: { after: 0 }, token })).body.source).toBe('inventory');
    expect((await call(EVENTS, { query: { after: 'latest' }, token })).status).toBe(200);
    expect((await call(EVENTS, { query: { after: 'earliest' }, token })).status).toBe(400);
    expect((await call(EVENTS)).status).toBe(401);
    expect((await call(EVENTS, { token: (await suite.newUser()).token })).status).toBe(403);
  });

  // Last: breakers to the auth service stay open after it.
  it("when the auth service's key set cannot be fetched, then every operation that verifies a token answers 503", async () => {
    const admin = await suite.login(ADMIN);
    const service = await suite.serviceToken('order-service', 'inventory:read events:read');
    const sku = newSku();
    const product = { sku, name: 'Shelf', priceCents: 100, stock: 1 };
    await suite.whileKeySetUnavailable(async () => {
      const answers = [
        await call(CREATE, { body: product, token: admin }),
        await call(UPDATE, { params: { sku }, body: { restock: 1 }, token: admin }),
        await call(RESERVATION, { params: { orderId: randomUUID() }, token: service }),
        await call(EVENTS, { token: service }),
      ];
      expect(answers.map((res) => res.body.code)).toEqual(
        Array(answers.length).fill('AUTH_KEYS_UNAVAILABLE'),
      );
    });
    expect((await call(PRODUCT, { params: { sku } })).status).toBe(404);
  });

  suite.everyOperationExercised();
});
