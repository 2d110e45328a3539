import { createPortico, type Portico, unwrap } from '@portico/sdk';
import { eventually } from '@portico/test-kit';
import { ADMIN } from './system.js';

/**
 * The end-to-end suites act as Portico's users do: through the typed SDK
 * (`@portico/sdk`) against the gateway. Raw HTTP (`call`) is kept for what a
 * well-behaved client cannot send: attacks, bad input, missing tokens.
 */
export type Shopper = {
  id: string;
  token: string;
  email: string;
  password: string;
  /** Signed in as this shopper: every request carries their token. */
  portico: Portico;
};

let serial = 0;

/**
 * A client for `gateway` with no session of its own: each call names its
 * caller (`as(shopper)`, or an admin's bearer), so one serves every caller.
 */
const clients = new Map<string, Portico>();
export function sdkFor(gateway: string): Portico {
  let client = clients.get(gateway);
  if (!client) {
    client = createPortico({ baseUrl: gateway });
    clients.set(gateway, client);
  }
  return client;
}

/** The headers that make a sessionless call as `caller`. */
export const as = (caller: Pick<Shopper, 'token'>) => ({
  authorization: `Bearer ${caller.token}`,
});

/** Registers and logs in a new user through the gateway; no waiting in between. */
export async function newShopper(gateway: string, name = 'Shopper'): Promise<Shopper> {
  serial += 1;
  const email = `shopper-${Date.now()}-${serial}@example.com`;
  const password = 'a long enough password';
  const portico = createPortico({ baseUrl: gateway });
  const account = await portico.session.register({ email, password, name });
  const tokens = await portico.session.login({ email, password });
  return { id: account.id, token: tokens.access_token, email, password, portico };
}

/** The demo admin, signed in. */
export async function adminClient(gateway: string): Promise<Portico> {
  const portico = createPortico({ baseUrl: gateway });
  await portico.session.login(ADMIN);
  return portico;
}

export async function adminToken(gateway: string): Promise<string> {
  const tokens = await (await adminClient(gateway)).session.tokens();
  return tokens!.access_token;
}

/** Creates a product with `stock` units as the admin (by token); returns its sku. */
export async function newProduct(
  gateway: string,
  admin: string,
  stock: number,
  priceCents = 250,
): Promise<string> {
  serial += 1;
  const sku = `SKU-T${Date.now()}-${serial}`;
  const created = await sdkFor(gateway).inventory.POST('/api/v1/inventory/products', {
    body: { sku, name: `Test ${sku}`, priceCents, stock },
    headers: as({ token: admin }),
  });
  return unwrap(created).sku;
}

export async function product(gateway: string, sku: string) {
  return unwrap(
    await sdkFor(gateway).inventory.GET('/api/v1/inventory/products/{sku}', {
      params: { path: { sku } },
    }),
  );
}

/**
 * The shopper's order, read through `gateway` (which may differ from the one
 * they signed in on, or be the order service itself).
 */
export async function order(gateway: string, shopper: Pick<Shopper, 'token'>, id: string) {
  return unwrap(
    await sdkFor(gateway).orders.GET('/api/v1/orders/{id}', {
      params: { path: { id } },
      headers: as(shopper),
    }),
  );
}

/** Polls an order until it leaves `pending`; rejects after `withinMs`. */
export async function settled(
  gateway: string,
  shopper: Pick<Shopper, 'token'>,
  id: string,
  withinMs = 5000,
) {
  let last: Awaited<ReturnType<typeof order>> | undefined;
  await eventually(
    'the order leaves pending',
    async () => {
      last = await order(gateway, shopper, id);
      return last.status !== 'pending';
    },
    { timeoutMs: withinMs },
  );
  return last!;
}

/**
 * docs/architecture.md's invariant, checked once every order is terminal: for each
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
