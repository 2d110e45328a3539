import { eventually } from '@portico/test-kit';
import fc from 'fast-check';
import { codeFlowTokens } from '../support/hosted-login.js';
import { adminToken, newProduct, newShopper, type Shopper } from '../support/shop.js';
import { ADMIN, call, type System } from '../support/system.js';
import type { Context, FuzzCase } from './fuzz-case.js';
import type { Known } from './schema-arbitrary.js';
import type { RawResponse } from './send.js';
import type { Schema } from './spec-operations.js';

/** What the public API shows of every record a request could write. */
export type Snapshot = {
  users: Record<string, string>;
  products: Record<string, string>;
  orders: Record<string, string>;
  keys: string[];
};

/** Real values the generator mixes into valid requests; they grow as requests succeed. */
type Pools = {
  skus: string[];
  orderIds: string[];
  refreshTokens: string[];
  emails: string[];
  userIds: string[];
  /** Ids an admin may disable: never the fuzzing user's or the admin's own. */
  victimIds: string[];
};

const pick = <T>(pool: readonly T[]) => fc.nat().map((i) => pool[i % pool.length] as T);

/** Every page of a list, followed by `nextCursor`. */
async function allPages(
  gateway: string,
  path: string,
  token?: string,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let cursor: string | null = null;
  do {
    const query: string = `?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = await call(gateway, `${path}${query}`, token ? { token } : {});
    if (page.status !== 200)
      throw new Error(`${path}: ${page.status} ${JSON.stringify(page.body)}`);
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return items;
}

/** The first difference between two snapshots, or undefined when they agree. */
export function difference(before: Snapshot, after: Snapshot): string | undefined {
  for (const part of ['users', 'products', 'orders'] as const) {
    const keys = new Set([...Object.keys(before[part]), ...Object.keys(after[part])]);
    for (const key of keys)
      if (before[part][key] !== after[part][key])
        return `${part} ${key}: ${before[part][key] ?? '(none)'} → ${after[part][key] ?? '(none)'}`;
  }
  if (before.keys.join() !== after.keys.join())
    return `signing keys: ${before.keys.join()} → ${after.keys.join()}`;
  return undefined;
}

/**
 * The fuzzing user, the admin, a victim for the admin to disable, a product,
 * an order and refresh tokens, made through the gateway; then what the fuzzer
 * needs to generate requests, read the system's state and wait for the effects
 * of accepted writes.
 */
export async function createWorld(system: System, spec: Schema) {
  const gateway = system.gateway;
  // The fuzzing user signs in through the hosted login page (an OAuth access token, scope
  // openid): userinfo accepts it, and every other operation must take it as any user token.
  const shopper = await newShopper(gateway, 'Fuzz User');
  const user = { ...shopper, token: (await codeFlowTokens(gateway, shopper)).access_token };
  const victim = await newShopper(gateway, 'Fuzz Victim');
  const admin = await adminToken(gateway);
  const adminId = (await call(gateway, '/api/v1/users/me', { token: admin })).body.id as string;
  const sku = await newProduct(gateway, admin, 1_000_000);
  const placed = await call(gateway, '/api/v1/orders', {
    body: { items: [{ sku, quantity: 1 }] },
    token: user.token,
  });
  // Profiles arrive by event and the order settles by saga: wait, so the first snapshot is stable.
  await eventually(
    'both profiles known to the user service',
    async () => {
      const seen = await Promise.all(
        [user.id, victim.id].map((id) => call(gateway, `/api/v1/users/${id}`, { token: admin })),
      );
      const order = await call(gateway, `/api/v1/orders/${placed.body.id}`, { token: user.token });
      return seen.every((r) => r.status === 200) && order.body.status !== 'pending';
    },
    { timeoutMs: 5000 },
  );
  const spare = await call(gateway, '/api/v1/auth/login', {
    body: { email: victim.email, password: victim.password },
  });
  const pools: Pools = {
    skus: [
      sku,
      ...(await allPages(gateway, '/api/v1/inventory/products')).map((p) => String(p.sku)),
    ],
    orderIds: [placed.body.id],
    refreshTokens: [spare.body.refresh_token],
    emails: [user.email, victim.email, ADMIN.email],
    userIds: [user.id, victim.id, adminId],
    victimIds: [victim.id],
  };
  /** Emails of accounts that exist, lowercased: a refused registration of one proves nothing. */
  const registered = new Set([user.email, victim.email, ADMIN.email].map((e) => e.toLowerCase()));
  /** What accepted requests created, to tell them from records a refused request left. */
  const accepted = {
    users: new Set<string>(),
    products: new Set<string>(),
    orders: new Set<string>(),
  };
  /** The actors' tokens: an accepted logoutAll ends the actor's sessions, and `settle` signs it in again. */
  const tokens = { user: user.token, admin };
  const signInAgain = {
    user: async () => (await codeFlowTokens(gateway, shopper)).access_token,
    admin: () => adminToken(gateway),
  };
  const tokenOf = (actor: FuzzCase['actor']) =>
    actor === 'admin' ? tokens.admin : actor === 'user' ? tokens.user : undefined;

  const known = (operation: string): Known => {
    const entries: [string, fc.Arbitrary<unknown>][] = [
      ['refresh_token', pick(pools.refreshTokens)],
      // One client and its own secret: two drawn apart would mostly not match.
      ['client_id', fc.constant('gateway')],
      ['client_secret', fc.constant('dev-secret-gateway-change-me')],
      ['scope', fc.constantFrom('users:read', 'events:read', 'users:read events:read')],
    ];
    // Real skus make orders that reserve stock; a new product wants a new sku.
    if (operation === 'placeOrder' || operation === 'placeOrderV2')
      entries.push(['sku', pick(pools.skus)]);
    // The grant the fuzzer's service credentials can use; the other grants need a code or an OAuth refresh token.
    if (operation === 'token') entries.push(['grant_type', fc.constant('client_credentials')]);
    if (operation === 'login')
      entries.push(['email', pick(pools.emails)], ['password', fc.constant(user.password)]);
    return new Map(entries);
  };

  const parameterPool = (operation: string, parameter: string) => {
    if (parameter === 'sku') return pick(pools.skus);
    // Any base64url text decodes: a cursor past some key, not the garbage a plain string would be.
    if (parameter === 'cursor')
      return fc
        .string({ minLength: 1, maxLength: 12 })
        .map((s) => Buffer.from(s).toString('base64url'));
    // Two keys per operation: a key v1 used for one order would make v2's every order a 409.
    if (parameter === 'Idempotency-Key')
      return fc.constantFrom(`${operation}-key-1`, `${operation}-key-2`);
    // A step the stream has (its history is a few steps long): the rest follows, or 204 at the end.
    if (parameter === 'Last-Event-ID') return fc.constantFrom('0', '1');
    if (parameter !== 'id') return undefined;
    if (operation === 'disableUser' || operation === 'enableUser') return pick(pools.victimIds);
    if (operation === 'getUser') return pick(pools.userIds);
    return pick(pools.orderIds);
  };

  const context: Context = { spec, tokens, known, parameterPool };

  async function snapshot(): Promise<Snapshot> {
    const [users, products, userOrders, adminOrders, jwks] = await Promise.all([
      allPages(gateway, '/api/v1/users', tokens.admin),
      allPages(gateway, '/api/v1/inventory/products'),
      allPages(gateway, '/api/v1/orders', tokens.user),
      allPages(gateway, '/api/v1/orders', tokens.admin),
      call(gateway, '/.well-known/jwks.json'),
    ]);
    return {
      users: Object.fromEntries(
        users.map((u) => [u.id, `${u.status} ${u.email} ${JSON.stringify(u.name)}`]),
      ),
      // available + reserved: the stock a product has, whatever the sagas hold of it.
      products: Object.fromEntries(
        products.map((p) => [
          p.sku,
          `${JSON.stringify(p.name)} ${p.priceCents} stock=${Number(p.available) + Number(p.reserved)}`,
        ]),
      ),
      orders: Object.fromEntries(
        [...userOrders, ...adminOrders].map((o) => [o.id, String(o.status)]),
      ),
      keys: (jwks.body.keys as { kid: string }[]).map((k) => k.kid).sort(),
    };
  }

  /** Learns from an accepted request and waits for its asynchronous effects, so the next snapshot is stable. */
  async function settle(c: FuzzCase, res: RawResponse): Promise<void> {
    const body = res.text ? (JSON.parse(res.text) as Record<string, unknown>) : {};
    switch (c.operation) {
      case 'register': {
        registered.add(String(body.email).toLowerCase());
        registered.add(String((c.body as { email?: unknown }).email).toLowerCase());
        accepted.users.add(String(body.id));
        pools.userIds.push(String(body.id));
        pools.victimIds.push(String(body.id));
        await eventually(
          'the new profile known to the user service',
          async () =>
            (await call(gateway, `/api/v1/users/${body.id}`, { token: tokens.admin })).status ===
            200,
          { timeoutMs: 5000 },
        );
        break;
      }
      case 'login':
      case 'refresh':
        pools.refreshTokens.push(String(body.refresh_token));
        break;
      case 'logoutAll':
        if (c.actor === 'user' || c.actor === 'admin')
          tokens[c.actor] = await signInAgain[c.actor]();
        break;
      case 'createProduct':
        accepted.products.add(String(body.sku));
        pools.skus.push(String(body.sku));
        break;
      // v2 places an order as v1 does (only the list's page differs).
      case 'placeOrder':
      case 'placeOrderV2': {
        accepted.orders.add(String(body.id));
        if (!pools.orderIds.includes(String(body.id))) pools.orderIds.push(String(body.id));
        const token = tokenOf(c.actor);
        await eventually(
          'the order leaves pending',
          async () => {
            const order = await call(gateway, `/api/v1/orders/${body.id}`, token ? { token } : {});
            return order.status === 200 && order.body.status !== 'pending';
          },
          { timeoutMs: 5000 },
        );
        break;
      }
    }
  }

  /** The processes that do not answer /healthz with 200. */
  async function unhealthy(): Promise<string[]> {
    const processes = Object.entries({
      gateway,
      auth: system.auth,
      user: system.user,
      order: system.order,
      inventory: system.inventory,
    });
    const answers = await Promise.all(
      processes.map(async ([name, base]) => {
        try {
          return (await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(5000) })).status ===
            200
            ? undefined
            : name;
        } catch {
          return name;
        }
      }),
    );
    return answers.filter((name): name is string => name !== undefined);
  }

  return {
    gateway,
    context,
    snapshot,
    settle,
    unhealthy,
    registered,
    accepted,
    user: user as Shopper,
    /** Longer than any answer should take: past it, the request hangs. */
    requestTimeoutMs: 10_000,
  };
}

export type World = Awaited<ReturnType<typeof createWorld>>;
