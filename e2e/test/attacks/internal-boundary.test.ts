import { newProduct } from '../support/shop.js';
import {
  type Account,
  adminAccount,
  call,
  newAccount,
  placeSettledOrder,
  rawExchange,
  serviceToken,
} from './support/clients.js';
import { expectCleanLogs } from './support/leaks.js';
import {
  type ClientId,
  type ProcessName,
  useSystemUnderAttack,
} from './support/system-under-attack.js';

const system = useSystemUnderAttack();
let admin: Account;
let alice: Account;
let orderId: string;

beforeAll(async () => {
  admin = await adminAccount(system);
  alice = await newAccount(system);
  const sku = await newProduct(system.gateway, admin.token, 10, 100);
  orderId = (await placeSettledOrder(system, alice, [{ sku, quantity: 1 }])).id;
});

/** Whether a request target, however a server might decode and normalise it, lands under /internal/. */
function reachesInternal(target: string): boolean {
  let path = target.split('?', 1)[0]!.replaceAll('\\', '/');
  for (let i = 0; i < 3; i += 1) {
    try {
      path = decodeURIComponent(path);
    } catch {
      break;
    }
  }
  return new URL(path.replaceAll(';', ''), 'http://x').pathname
    .toLowerCase()
    .startsWith('/internal');
}

describe('/internal/ through the gateway', () => {
  const INTERNAL = () => [
    `users/${alice.id}`,
    `accounts/${alice.id}`,
    `reservations/${orderId}`,
    'events?after=0',
  ];
  const DISGUISES: ((p: string) => string)[] = [
    (p) => `/internal/v1/${p}`,
    (p) => `/INTERNAL/v1/${p}`,
    (p) => `/%69nternal/v1/${p}`,
    (p) => `/%2finternal/v1/${p}`,
    (p) => `//internal/v1/${p}`,
    (p) => `/./internal/v1/${p}`,
    (p) => `/api/v1/users/../../internal/v1/${p}`,
    (p) => `/api/v1/auth/../../internal/v1/${p}`,
    (p) => `/api/v1/auth/%2e%2e/%2e%2e/internal/v1/${p}`,
    (p) => `/api/v1/users/%2E%2E%2F%2E%2E%2Finternal/v1/${p}`,
    (p) => `/api/v1/users/..%252f..%252finternal/v1/${p}`,
    (p) => `/api/v1/users/%c0%ae%c0%ae/%c0%ae%c0%ae/internal/v1/${p}`,
    (p) => `/api/v1/users/%ef%bc%8e%ef%bc%8e/%ef%bc%8e%ef%bc%8e/internal/v1/${p}`,
    (p) => `/api/v1/users/..;/..;/internal/v1/${p}`,
    (p) => `/api/v1/users/..\\..\\internal/v1/${p}`,
    (p) => `/api/v1/users/%5c..%5c..%5cinternal/v1/${p}`,
    (p) => `/api/v1/orders/.%00./.%00./internal/v1/${p}`,
    (p) => `/api/v1/inventory/products/..%2f..%2f..%2f..%2finternal/v1/${p}`,
    (p) => `/.well-known/jwks.json/../../internal/v1/${p}`,
    (p) => `/api/v1/users/%09/../../../internal/v1/${p}`,
    (p) => `http://127.0.0.1/internal/v1/${p}`,
    (p) => `http://127.0.0.1/api/v1/users/../../internal/v1/${p}`,
  ];
  const cases = () => INTERNAL().flatMap((p) => DISGUISES.map((d) => d(p)));

  it('when every disguise of every internal path is sent with an admin token, then each is a 400 or 404 and no service is asked', async () => {
    const before = system.arrivals.length;
    const statuses: Record<string, number[]> = {};
    for (const target of cases()) {
      const reply = await rawExchange(
        system.gateway,
        `GET ${target} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${admin.token}\r\nConnection: close\r\n\r\n`,
      );
      statuses[target] = reply.statuses;
    }
    const answered = Object.entries(statuses).filter(
      ([, s]) => !(s.length === 1 && [400, 404].includes(s[0]!)),
    );
    expect(answered).toEqual([]);
    // Some disguises are canonical public paths (`..;`, overlong or full-width dots are
    // no dot segments to anyone): those reach the service as that path, and 404 there.
    const forwarded = system.arrivals.slice(before).filter((a) => a.forwarded);
    expect(
      forwarded.filter((a) => !a.url.startsWith('/api/v1/') || reachesInternal(a.url)),
    ).toEqual([]);
    expect(cases().length).toBeGreaterThanOrEqual(80);
  });

  it('when internal paths hide in a query or in rewrite headers, then the service gets its public route and no internal one', async () => {
    const before = system.arrivals.length;
    const replies = [
      await call(system.gateway, `/api/v1/users/me?x=/../../internal/v1/users/${alice.id}`, {
        token: alice.token,
      }),
      await call(system.gateway, '/api/v1/users/me', {
        token: alice.token,
        headers: {
          'x-original-url': `/internal/v1/users/${alice.id}`,
          'x-rewrite-url': `/internal/v1/users/${alice.id}`,
          'x-http-method-override': 'DELETE',
        },
      }),
    ];
    expect(replies.map((r) => r.status)).toEqual([400, 200]);
    expect(replies[1]!.body).toMatchObject({ id: alice.id, email: alice.email });
    const seen = system.arrivals.slice(before).filter((a) => a.forwarded);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.filter((a) => reachesInternal(a.url))).toEqual([]);
  });
});

describe('service-token scopes at each internal endpoint', () => {
  type Endpoint = { process: ProcessName; path: () => string; scope: string };
  const ENDPOINTS: Endpoint[] = [
    { process: 'auth', path: () => `/internal/v1/accounts/${alice.id}`, scope: 'accounts:read' },
    { process: 'auth', path: () => '/internal/v1/revocations', scope: 'revocations:read' },
    { process: 'user', path: () => `/internal/v1/users/${alice.id}`, scope: 'users:read' },
    {
      process: 'inventory',
      path: () => `/internal/v1/reservations/${orderId}`,
      scope: 'inventory:read',
    },
    ...(['auth', 'user', 'order', 'inventory'] as const).map((process) => ({
      process,
      path: () => '/internal/v1/events?after=latest',
      scope: 'events:read',
    })),
  ];
  /** Each client with all its scopes, and narrowed to one it holds. */
  const HOLDERS: [ClientId, string | undefined, string[]][] = [
    ['gateway', undefined, ['users:read', 'events:read', 'revocations:read', 'tokens:introspect']],
    ['gateway', 'events:read', ['events:read']],
    ['user-service', undefined, ['accounts:read', 'events:read', 'revocations:read']],
    ['user-service', 'events:read', ['events:read']],
    [
      'order-service',
      undefined,
      ['users:read', 'inventory:read', 'events:read', 'revocations:read'],
    ],
    ['order-service', 'users:read', ['users:read']],
    ['order-service', 'inventory:read', ['inventory:read']],
    ['inventory-service', undefined, ['events:read', 'revocations:read']],
    ['inventory-service', 'revocations:read', ['revocations:read']],
  ];
  const cases = HOLDERS.flatMap(([client, asked, holds]) =>
    ENDPOINTS.map(
      (endpoint) =>
        [client, asked ?? 'all', endpoint.process, endpoint.scope, holds, endpoint] as const,
    ),
  );

  it.each(cases)(
    'when %s (scopes: %s) calls %s for %s, then it passes only if the token holds that scope',
    async (client, asked, _process, scope, holds, endpoint) => {
      const token = await serviceToken(system, client, asked === 'all' ? undefined : asked);
      const reply = await call(system[endpoint.process], endpoint.path(), { token });
      if (holds.includes(scope)) {
        expect(reply.status).toBe(200);
      } else {
        expect(reply.status).toBe(403);
        expect(reply.body.code).toBe('SCOPE_REQUIRED');
        expect(reply.headers.get('www-authenticate')).toMatch(/insufficient_scope/);
      }
    },
  );

  it.each(ENDPOINTS.map((e) => [e.process, e.scope, e] as const))(
    'when a user token, even the admin’s, calls %s for %s, then 403',
    async (_process, _scope, endpoint) => {
      for (const token of [alice.token, admin.token]) {
        expect((await call(system[endpoint.process], endpoint.path(), { token })).status).toBe(403);
      }
    },
  );

  it('when a client asks for a scope it was never granted, then no token is issued', async () => {
    await expect(serviceToken(system, 'inventory-service', 'users:read')).rejects.toThrow(
      /no token/,
    );
    await expect(serviceToken(system, 'gateway', 'accounts:read')).rejects.toThrow(/no token/);
  });
});

describe('logs', () => {
  it('when every attack above is done, then no log line holds a password, token or client secret', () => {
    expectCleanLogs(system);
  });
});
