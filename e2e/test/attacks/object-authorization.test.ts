import { randomUUID } from 'node:crypto';
import { newProduct, settled } from '../support/shop.js';
import {
  type Account,
  adminAccount,
  call,
  newAccount,
  placeSettledOrder,
} from './support/clients.js';
import { expectCleanLogs } from './support/leaks.js';
import { type ProcessName, useSystemUnderAttack } from './support/system-under-attack.js';

const system = useSystemUnderAttack();
let admin: Account;
let alice: Account;
let bob: Account;
let sku: string;
/** Alice's confirmed order. */
let aliceOrder: string;

const base = (via: 'gateway' | 'direct', service: ProcessName) =>
  system[via === 'gateway' ? 'gateway' : service];

/** Places an order for the target product and waits until the saga settled it. */
const placeOrder = (owner: Account, quantity = 1) =>
  placeSettledOrder(system, owner, [{ sku, quantity }]);

const product = async (name: string) =>
  (await call(system.inventory, `/api/v1/inventory/products/${name}`)).body;
const profile = async (who: Account) =>
  (await call(system.user, `/api/v1/users/${who.id}`, { token: admin.token })).body;
const stored = async (orderId: string) =>
  (await call(system.order, `/api/v1/orders/${orderId}`, { token: admin.token })).body;

beforeAll(async () => {
  admin = await adminAccount(system);
  alice = await newAccount(system, { name: 'Alice' });
  bob = await newAccount(system, { name: 'Bob' });
  sku = await newProduct(system.gateway, admin.token, 1000, 700);
  aliceOrder = (await placeOrder(alice)).id;
});

describe.each(['gateway', 'direct'] as const)('broken object-level authorization (%s)', (via) => {
  it("when Bob reads, cancels or lists Alice's order, then it does not exist for him and nothing changes", async () => {
    const url = base(via, 'order');
    const before = await stored(aliceOrder);
    expect((await call(url, `/api/v1/orders/${aliceOrder}`, { token: bob.token })).status).toBe(
      404,
    );
    const cancel = await call(url, `/api/v1/orders/${aliceOrder}/cancel`, {
      method: 'POST',
      token: bob.token,
    });
    expect(cancel.status).toBe(404);
    const bobs = await call(url, '/api/v1/orders?limit=100', { token: bob.token });
    expect(bobs.status).toBe(200);
    expect(bobs.body.items.map((o: { id: string }) => o.id)).not.toContain(aliceOrder);
    const byUser = await call(url, `/api/v1/orders?userId=${alice.id}`, { token: bob.token });
    expect(byUser.status).toBe(400);
    expect(await stored(aliceOrder)).toEqual(before);
    // The controls: the owner and the admin do see it.
    expect((await call(url, `/api/v1/orders/${aliceOrder}`, { token: alice.token })).status).toBe(
      200,
    );
    expect((await call(url, `/api/v1/orders/${aliceOrder}`, { token: admin.token })).status).toBe(
      200,
    );
  });

  it("when Bob replays Alice's Idempotency-Key with her body, then he gets an order of his own, not hers", async () => {
    const key = `idem-${via}-${Date.now()}`;
    const body = { items: [{ sku, quantity: 1 }] };
    const url = base(via, 'order');
    const hers = await call(url, '/api/v1/orders', {
      body,
      token: alice.token,
      headers: { 'idempotency-key': key },
    });
    const his = await call(url, '/api/v1/orders', {
      body,
      token: bob.token,
      headers: { 'idempotency-key': key },
    });
    expect([hers.status, his.status]).toEqual([202, 202]);
    expect(his.headers.get('idempotent-replayed')).toBeNull();
    expect(his.body.id).not.toBe(hers.body.id);
    expect(his.body.userId).toBe(bob.id);
    await settled(system.order, alice, hers.body.id);
    await settled(system.order, bob, his.body.id);
  });

  it("when Bob reads Alice's profile or any admin endpoint of users, then 404 or 403 and Alice stays active", async () => {
    const url = base(via, 'user');
    expect((await call(url, `/api/v1/users/${alice.id}`, { token: bob.token })).status).toBe(404);
    expect((await call(url, `/api/v1/users/${randomUUID()}`, { token: bob.token })).status).toBe(
      404,
    );
    expect((await call(url, '/api/v1/users', { token: bob.token })).status).toBe(403);
    for (const action of ['disable', 'enable'])
      for (const id of [alice.id, bob.id]) {
        const res = await call(url, `/api/v1/users/${id}/${action}`, {
          method: 'POST',
          token: bob.token,
        });
        expect(res.status).toBe(403);
      }
    expect((await profile(alice)).status).toBe('active');
    expect((await profile(bob)).status).toBe('active');
    expect((await call(url, `/api/v1/users/${alice.id}`, { token: admin.token })).status).toBe(200);
    expect((await call(url, '/api/v1/users', { token: admin.token })).status).toBe(200);
  });

  it('when Bob or an anonymous caller writes products, then 403 or 401 and the catalogue is unchanged', async () => {
    const url = base(via, 'inventory');
    const before = await product(sku);
    const fresh = `BOLA-NEW-${Date.now()}`;
    for (const [token, status] of [
      [bob.token, 403],
      [undefined, 401],
    ] as const) {
      const created = await call(url, '/api/v1/inventory/products', {
        body: { sku: fresh, name: 'Mine', priceCents: 1, stock: 1 },
        ...(token && { token }),
      });
      expect(created.status).toBe(status);
      const changed = await call(url, `/api/v1/inventory/products/${sku}`, {
        method: 'PATCH',
        body: { priceCents: 1, restock: 5 },
        ...(token && { token }),
      });
      expect(changed.status).toBe(status);
    }
    expect((await call(system.inventory, `/api/v1/inventory/products/${fresh}`)).status).toBe(404);
    expect(await product(sku)).toEqual(before);
  });
});

/** Fields only the server may set, per write; each one is sent in turn with an otherwise valid body. */
const SERVER_OWNED = {
  register: ['id', 'role', 'roles', 'status', 'disabled', 'createdAt', 'admin', 'emailVerified'],
  profile: ['id', 'email', 'status', 'role', 'roles', 'disabled', 'createdAt'],
  order: ['id', 'status', 'totalCents', 'userId', 'createdAt', 'reason', 'history'],
  orderLine: ['unitPriceCents', 'priceCents'],
  newProduct: ['id', 'available', 'reserved', 'createdAt'],
  productUpdate: ['sku', 'available', 'reserved', 'stock', 'createdAt'],
};
const bogus: Record<string, unknown> = {
  id: randomUUID(),
  userId: randomUUID(),
  role: 'admin',
  roles: ['admin'],
  status: 'confirmed',
  disabled: true,
  admin: true,
  emailVerified: true,
  email: 'stolen@example.com',
  createdAt: '2000-01-01T00:00:00.000Z',
  totalCents: 1,
  reason: 'forged',
  history: [],
  unitPriceCents: 0,
  priceCents: 0,
  available: 999_999,
  reserved: 0,
  stock: 999_999,
  sku: 'RENAMED',
};

describe.each(['gateway', 'direct'] as const)('mass assignment (%s)', (via) => {
  it.each(SERVER_OWNED.register)(
    'when a registration carries %s, then it is refused',
    async (field) => {
      const email = `mass-${Date.now()}-${Math.random()}@example.com`;
      const password = system.secret(`pw-${randomUUID()}`);
      const res = await call(base(via, 'auth'), '/api/v1/auth/register', {
        body: { email, password, name: 'M', [field]: bogus[field] },
      });
      expect(res.status).toBe(400);
      const login = await call(system.gateway, '/api/v1/auth/login', {
        body: { email, password },
      });
      expect(login.status).toBe(401);
    },
  );

  it.each(SERVER_OWNED.profile)(
    'when a profile change carries %s, then it is refused and the profile is unchanged',
    async (field) => {
      const before = await profile(bob);
      const res = await call(base(via, 'user'), '/api/v1/users/me', {
        method: 'PATCH',
        body: { name: 'Renamed', [field]: bogus[field] },
        token: bob.token,
      });
      expect(res.status).toBe(400);
      expect(await profile(bob)).toEqual(before);
    },
  );

  it.each([
    ...SERVER_OWNED.order.map((f) => [f, 'order'] as const),
    ...SERVER_OWNED.orderLine.map((f) => [f, 'line'] as const),
  ])(
    'when an order carries %s (on the %s), then it is refused and no order is written',
    async (field, where) => {
      const listed = async () =>
        (await call(system.order, '/api/v1/orders?limit=100', { token: bob.token })).body.items
          .length;
      const before = await listed();
      const line = { sku, quantity: 1, ...(where === 'line' && { [field]: bogus[field] }) };
      const res = await call(base(via, 'order'), '/api/v1/orders', {
        body: { items: [line], ...(where === 'order' && { [field]: bogus[field] }) },
        token: bob.token,
      });
      expect(res.status).toBe(400);
      expect(await listed()).toBe(before);
    },
  );

  // The cancel takes no body: what one carries is ignored, and the cancel does what it says.
  it('when a cancel carries a status and a total, then they are ignored: the order is cancelled at its own total', async () => {
    const order = await placeOrder(alice);
    const before = await stored(order.id);
    const res = await call(base(via, 'order'), `/api/v1/orders/${order.id}/cancel`, {
      body: { status: 'confirmed', totalCents: 1, userId: bob.id },
      token: alice.token,
    });
    expect([200, 400]).toContain(res.status);
    const after = await stored(order.id);
    expect(after).toMatchObject({
      status: res.status === 200 ? 'cancelled' : before.status,
      totalCents: before.totalCents,
      userId: alice.id,
    });
  });

  it.each(SERVER_OWNED.newProduct)(
    'when the admin creates a product with %s, then it is refused and nothing is created',
    async (field) => {
      const fresh = `MASS-${Date.now()}-${field}`;
      const res = await call(base(via, 'inventory'), '/api/v1/inventory/products', {
        body: { sku: fresh, name: 'M', priceCents: 5, stock: 3, [field]: bogus[field] },
        token: admin.token,
      });
      expect(res.status).toBe(400);
      expect((await call(system.inventory, `/api/v1/inventory/products/${fresh}`)).status).toBe(
        404,
      );
    },
  );

  it.each(SERVER_OWNED.productUpdate)(
    'when the admin updates a product with %s, then it is refused and the product is unchanged',
    async (field) => {
      const before = await product(sku);
      const res = await call(base(via, 'inventory'), `/api/v1/inventory/products/${sku}`, {
        method: 'PATCH',
        body: { name: 'Renamed', [field]: bogus[field] },
        token: admin.token,
      });
      expect(res.status).toBe(400);
      expect(await product(sku)).toEqual(before);
    },
  );
});

describe.each(['gateway', 'direct'] as const)('prototype pollution (%s)', (via) => {
  const POISONS = [
    '{"__proto__":{"polluted":"yes"}',
    '{"constructor":{"prototype":{"polluted":"yes"}}',
  ];
  const writes = () =>
    [
      [
        'auth',
        'POST',
        '/api/v1/auth/register',
        `"email":"p-${Date.now()}@example.com","password":"long enough","name":"P"`,
        undefined,
      ],
      ['user', 'PATCH', '/api/v1/users/me', '"name":"P"', bob.token],
      ['order', 'POST', '/api/v1/orders', `"items":[{"sku":"${sku}","quantity":1}]`, bob.token],
      ['inventory', 'PATCH', `/api/v1/inventory/products/${sku}`, '"name":"P"', admin.token],
    ] as const;

  it('when every write body carries __proto__ or constructor.prototype, then each is a 400 and no object is polluted', async () => {
    for (const [service, method, path, fields, token] of writes()) {
      for (const poison of POISONS) {
        const res = await fetch(`${base(via, service)}${path}`, {
          method,
          headers: {
            'content-type': 'application/json',
            ...(token && { authorization: `Bearer ${token}` }),
          },
          body: `${poison},${fields}}`,
        });
        expect([path, res.status]).toEqual([path, 400]);
      }
    }
    // Every service runs in this process: a polluted prototype would show here.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });
});

describe.each(['gateway', 'direct'] as const)('hostile JSON shapes (%s)', (via) => {
  it('when a write body nests 7000 levels deep or repeats a key, then a 400 (never a 500) and the last key is the one seen', async () => {
    const deep = `${'['.repeat(7000)}${']'.repeat(7000)}`;
    const res = await fetch(`${base(via, 'user')}/api/v1/users/me`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bob.token}` },
      body: `{"name":${deep}}`,
    });
    expect(res.status).toBe(400);
    const twice = await fetch(`${base(via, 'user')}/api/v1/users/me`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bob.token}` },
      body: '{"name":"First","name":"Last"}',
    });
    expect(twice.status).toBe(200);
    expect((await profile(bob)).name).toBe('Last');
  });
});

describe('races on one resource (a 500 or a double write is a bug)', () => {
  const race = (n: number, send: () => ReturnType<typeof call>) =>
    Promise.all(Array.from({ length: n }, send)).then((replies) => replies.map((r) => r.status));

  it('when one email is registered 10 times at once, then one 201 and nine 409', async () => {
    const email = `race-${Date.now()}@example.com`;
    const statuses = await race(10, () =>
      call(system.gateway, '/api/v1/auth/register', {
        body: { email, password: system.secret('race password 1'), name: 'R' },
      }),
    );
    expect(statuses.sort()).toEqual([201, ...Array(9).fill(409)]);
  });

  it('when one sku is created 10 times at once, then one 201 and nine 409', async () => {
    const fresh = `RACE-${Date.now()}`;
    const statuses = await race(10, () =>
      call(system.gateway, '/api/v1/inventory/products', {
        body: { sku: fresh, name: 'R', priceCents: 1, stock: 1 },
        token: admin.token,
      }),
    );
    expect(statuses.sort()).toEqual([201, ...Array(9).fill(409)]);
  });

  it('when one Idempotency-Key is sent 10 times at once, then one order exists and every answer is 202 or 409', async () => {
    const key = `race-${Date.now()}`;
    const replies = await Promise.all(
      Array.from({ length: 10 }, () =>
        call(system.gateway, '/api/v1/orders', {
          body: { items: [{ sku, quantity: 1 }] },
          token: alice.token,
          headers: { 'idempotency-key': key },
        }),
      ),
    );
    expect(replies.every((r) => r.status === 202 || r.status === 409)).toBe(true);
    const ids = new Set(replies.filter((r) => r.status === 202).map((r) => r.body.id));
    expect(ids.size).toBe(1);
    await settled(system.order, alice, [...ids][0]);
  });

  it('when one order is cancelled 10 times at once, then every answer is 200 or 409 and it ends cancelled', async () => {
    const order = await placeOrder(alice);
    const statuses = await race(10, () =>
      call(system.gateway, `/api/v1/orders/${order.id}/cancel`, {
        method: 'POST',
        token: alice.token,
      }),
    );
    expect(statuses.filter((s) => s !== 200 && s !== 409)).toEqual([]);
    expect((await stored(order.id)).status).toBe('cancelled');
  });
});

describe('the controls', () => {
  it('when the same writes carry only client fields, then they succeed: the refusals above are for the field alone', async () => {
    const renamed = await call(system.gateway, '/api/v1/users/me', {
      method: 'PATCH',
      body: { name: 'Bobby' },
      token: bob.token,
    });
    expect(renamed.status).toBe(200);
    const placed = await placeOrder(bob);
    expect(placed.status).toBe('confirmed');
    expect(placed).toMatchObject({ userId: bob.id, totalCents: 700 });
    const changed = await call(system.gateway, `/api/v1/inventory/products/${sku}`, {
      method: 'PATCH',
      body: { name: 'Renamed' },
      token: admin.token,
    });
    expect(changed.status).toBe(200);
    const cancelled = await call(system.gateway, `/api/v1/orders/${placed.id}/cancel`, {
      method: 'POST',
      token: admin.token,
    });
    expect(cancelled.body.status).toBe('cancelled');
  });
});

describe('logs', () => {
  it('when every attack above is done, then no log line holds a password, token or client secret', () => {
    expectCleanLogs(system);
  });
});
