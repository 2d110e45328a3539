import { ADMIN, call, within } from './system.js';

export type Shopper = { id: string; token: string; email: string; password: string };

let serial = 0;

/** Registers and logs in a new user through the gateway; no waiting in between. */
export async function newShopper(gateway: string, name = 'Shopper'): Promise<Shopper> {
  serial += 1;
  const email = `shopper-${Date.now()}-${serial}@example.com`;
  const password = 'a long enough password';
  const reg = await call(gateway, '/api/v1/auth/register', { body: { email, password, name } });
  const login = await call(gateway, '/api/v1/auth/login', { body: { email, password } });
  if (reg.status !== 201 || login.status !== 200)
    throw new Error(`could not make a shopper: ${reg.status}/${login.status}`);
  return { id: reg.body.id, token: login.body.access_token, email, password };
}

export async function adminToken(gateway: string): Promise<string> {
  const login = await call(gateway, '/api/v1/auth/login', { body: ADMIN });
  if (login.status !== 200) throw new Error(`admin login failed: ${JSON.stringify(login.body)}`);
  return login.body.access_token;
}

/** Creates a product with `stock` units as the admin; returns its sku. */
export async function newProduct(
  gateway: string,
  admin: string,
  stock: number,
  priceCents = 250,
): Promise<string> {
  serial += 1;
  const sku = `SKU-T${Date.now()}-${serial}`;
  const res = await call(gateway, '/api/v1/inventory/products', {
    body: { sku, name: `Test ${sku}`, priceCents, stock },
    token: admin,
  });
  if (res.status !== 201) throw new Error(`could not create ${sku}: ${res.status}`);
  return sku;
}

export async function product(gateway: string, sku: string) {
  return (await call(gateway, `/api/v1/inventory/products/${sku}`)).body as {
    sku: string;
    available: number;
    reserved: number;
    priceCents: number;
  };
}

export async function order(gateway: string, shopper: Shopper, id: string) {
  return (await call(gateway, `/api/v1/orders/${id}`, { token: shopper.token })).body;
}

/** Polls an order until it leaves `pending`; rejects after `withinMs`. */
export async function settled(gateway: string, shopper: Shopper, id: string, withinMs = 5000) {
  let last: { status: string } | undefined;
  await within(withinMs, async () => {
    last = await order(gateway, shopper, id);
    return last?.status !== 'pending';
  });
  return last as {
    status: string;
    totalCents: number | null;
    reason: string | null;
    items: unknown[];
    history: unknown[];
  };
}

/**
 * DESIGN.md's invariant, checked once every order is terminal: for each
 * product, available + reserved = its stock, and reserved = the quantity of
 * it in confirmed orders.
 */
export async function expectInvariant(
  gateway: string,
  stock: Record<string, number>,
  orders: { status: string; items: { sku: string; quantity: number }[] }[],
) {
  for (const [sku, initial] of Object.entries(stock)) {
    const p = await product(gateway, sku);
    const held = orders
      .filter((o) => o.status === 'confirmed')
      .flatMap((o) => o.items)
      .filter((i) => i.sku === sku)
      .reduce((sum, i) => sum + i.quantity, 0);
    if (p.available + p.reserved !== initial || p.reserved !== held || p.available < 0) {
      throw new Error(`invariant broken for ${sku}: ${JSON.stringify({ ...p, initial, held })}`);
    }
  }
}
