import { LOGIN_BODY_LIMIT_BYTES } from '../src/limits/login-body.js';
import {
  type Reply,
  type RunningGateway,
  send,
  startGateway,
  useUpstreams,
} from './support/gateway-harness.js';
import { gatewaySample } from './support/metrics-text.js';

const LIMIT = 5;
const LOGIN_LIMIT = 3;
const LOGIN = '/api/v1/auth/login';

const upstreams = useUpstreams();
/** Tight per-caller limit. */
let gateway: RunningGateway;
/** Tight login limit, loose per-caller limit, so login tests see only the login policy. */
let loginGateway: RunningGateway;

beforeAll(async () => {
  gateway = await startGateway(upstreams, {
    RATE_LIMIT_PER_MINUTE: String(LIMIT),
    LOGIN_RATE_LIMIT_PER_MINUTE: String(LOGIN_LIMIT),
  });
  loginGateway = await startGateway(upstreams, {
    RATE_LIMIT_PER_MINUTE: '1000',
    LOGIN_RATE_LIMIT_PER_MINUTE: String(LOGIN_LIMIT),
  });
});

afterAll(async () => {
  await gateway.close();
  await loginGateway.close();
});

/** Draft-7 `RateLimit: limit=5, remaining=4, reset=60` as numbers. */
function rateLimitOf(reply: Reply): Record<string, number> {
  const header = reply.headers.ratelimit;
  if (typeof header !== 'string') throw new Error('no RateLimit header');
  return Object.fromEntries(
    header.split(',').map((part) => {
      const [name, value] = part.trim().split('=');
      return [name!, Number(value)];
    }),
  );
}

function expectLimited(reply: Reply, code: string, limit: number, instance: string) {
  expect(reply.status).toBe(429);
  expect(reply.headers['content-type']).toBe('application/problem+json');
  expect(reply.json()).toMatchObject({ status: 429, code, instance });
  const retryAfter = Number(reply.headers['retry-after']);
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(reply.headers['ratelimit-policy']).toBe(`${limit};w=60`);
  expect(rateLimitOf(reply)).toMatchObject({ limit, remaining: 0 });
}

/** `count` requests one after another (the order is the point). */
async function sendMany(count: number, request: () => Promise<Reply>): Promise<Reply[]> {
  const replies: Reply[] = [];
  for (let i = 0; i < count; i += 1) replies.push(await request());
  return replies;
}

const login = (email: unknown, from: string, target = loginGateway) =>
  send(target.url, {
    method: 'POST',
    path: LOGIN,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'not-checked-here' }),
    localAddress: from,
  });

describe('rate limit per caller', () => {
  it('when a user sends one request more than the limit, then it is a 429 problem with Retry-After and RateLimit headers, and the upstream saw only the limit', async () => {
    const auth = await upstreams.bearer();

    const replies = await sendMany(LIMIT + 1, () =>
      send(gateway.url, { path: '/api/v1/orders', headers: auth }),
    );

    expect(replies.map((reply) => reply.status)).toEqual([200, 200, 200, 200, 200, 429]);
    expect(replies.map((reply) => rateLimitOf(reply).remaining)).toEqual([4, 3, 2, 1, 0, 0]);
    expect(replies[0]!.headers['ratelimit-policy']).toBe(`${LIMIT};w=60`);
    expect(rateLimitOf(replies[0]!).reset).toBeLessThanOrEqual(60);
    expectLimited(replies[LIMIT]!, 'RATE_LIMITED', LIMIT, '/api/v1/orders');
    expect(upstreams.order.received).toHaveLength(LIMIT);
  });

  it('when one user is limited, then another user is not', async () => {
    const first = await upstreams.bearer();
    await sendMany(LIMIT + 1, () =>
      send(gateway.url, { path: '/api/v1/users/me', headers: first }),
    );

    const other = await send(gateway.url, {
      path: '/api/v1/users/me',
      headers: await upstreams.bearer(),
    });

    expect(other.status).toBe(200);
    expect(rateLimitOf(other).remaining).toBe(LIMIT - 1);
  });

  it('when a user is limited, then the limit follows the user to another address', async () => {
    const auth = await upstreams.bearer();
    await sendMany(LIMIT, () =>
      send(gateway.url, { path: '/api/v1/orders', headers: auth, localAddress: '127.0.1.1' }),
    );

    const elsewhere = await send(gateway.url, {
      path: '/api/v1/orders',
      headers: auth,
      localAddress: '127.0.1.2',
    });

    expectLimited(elsewhere, 'RATE_LIMITED', LIMIT, '/api/v1/orders');
  });

  it('when anonymous requests pass the limit, then they are limited per client address', async () => {
    const path = '/api/v1/inventory/products';
    const replies = await sendMany(LIMIT + 1, () =>
      send(gateway.url, { path, localAddress: '127.0.2.1' }),
    );
    const otherAddress = await send(gateway.url, { path, localAddress: '127.0.2.2' });
    const userAtSameAddress = await send(gateway.url, {
      path,
      headers: await upstreams.bearer(),
      localAddress: '127.0.2.1',
    });

    expect(replies.slice(0, LIMIT).every((reply) => reply.status === 200)).toBe(true);
    expectLimited(replies[LIMIT]!, 'RATE_LIMITED', LIMIT, path);
    expect(otherAddress.status).toBe(200);
    expect(userAtSameAddress.status).toBe(200);
    expect(upstreams.inventory.received).toHaveLength(LIMIT + 2);
  });

  it('when requests are refused, then gateway_rate_limited_total counts them by route and policy', async () => {
    const auth = await upstreams.bearer();
    const before =
      (await gatewaySample(gateway.url, 'gateway_rate_limited_total', {
        route: '/api/v1/orders',
        policy: 'caller',
      })) ?? 0;
    await sendMany(LIMIT + 2, () => send(gateway.url, { path: '/api/v1/orders', headers: auth }));

    const after = await gatewaySample(gateway.url, 'gateway_rate_limited_total', {
      route: '/api/v1/orders',
      policy: 'caller',
    });
    const store = await gatewaySample(gateway.url, 'gateway_rate_limit_store', {
      store: 'memory',
    });

    expect(after).toBe(before + 2);
    expect(store).toBe(1);
  });
});

describe('rate limit on token checks', () => {
  const forged = (i: number) => ({ authorization: `Bearer eyJhbGciOiJFUzI1NiJ9.e30.forged-${i}` });

  it('when one address sends forged tokens past the limit, then they are 429 before being checked, while a known token and other addresses pass', async () => {
    const known = await upstreams.bearer();
    expect((await send(gateway.url, { path: '/api/v1/users/me', headers: known })).status).toBe(
      200,
    );
    const fresh = await upstreams.bearer();
    const from = '127.0.3.1';

    let i = 0;
    const replies = await sendMany(LIMIT + 2, () =>
      send(gateway.url, { path: '/api/v1/users/me', headers: forged(i++), localAddress: from }),
    );
    const missing = await send(gateway.url, { path: '/api/v1/users/me', localAddress: from });
    const freshHere = await send(gateway.url, {
      path: '/api/v1/users/me',
      headers: fresh,
      localAddress: from,
    });
    const knownHere = await send(gateway.url, {
      path: '/api/v1/users/me',
      headers: known,
      localAddress: from,
    });
    const elsewhere = await send(gateway.url, {
      path: '/api/v1/users/me',
      headers: forged(99),
      localAddress: '127.0.3.2',
    });

    expect(replies.map((reply) => reply.status)).toEqual([401, 401, 401, 401, 401, 429, 429]);
    expectLimited(replies[LIMIT]!, 'RATE_LIMITED', LIMIT, '/api/v1/users/me');
    expect(missing.status).toBe(429);
    // A token the gateway has not verified yet costs a verification: counted too.
    expect(freshHere.status).toBe(429);
    expect(knownHere.status).toBe(200);
    expect(elsewhere.status).toBe(401);
    expect(
      await gatewaySample(gateway.url, 'gateway_rate_limited_total', {
        route: '/api/v1/users/**',
        policy: 'token',
      }),
    ).toBe(4);
  });
});

describe('rate limit on login', () => {
  it('when one email is tried once more than the login limit from one address, then 429 LOGIN_RATE_LIMITED, while other emails and addresses pass', async () => {
    const from = '127.0.3.1';
    const replies = await sendMany(LOGIN_LIMIT + 1, () => login('ada@example.com', from));
    const sameEmailOtherCase = await login(' Ada@Example.COM', from);
    const otherEmail = await login('grace@example.com', from);
    const otherAddress = await login('ada@example.com', '127.0.3.2');

    expect(replies.slice(0, LOGIN_LIMIT).map((reply) => reply.status)).toEqual([200, 200, 200]);
    expectLimited(replies[LOGIN_LIMIT]!, 'LOGIN_RATE_LIMITED', LOGIN_LIMIT, LOGIN);
    expectLimited(sameEmailOtherCase, 'LOGIN_RATE_LIMITED', LOGIN_LIMIT, LOGIN);
    expect(otherEmail.status).toBe(200);
    expect(rateLimitOf(otherEmail)).toMatchObject({ limit: LOGIN_LIMIT, remaining: 2 });
    expect(otherAddress.status).toBe(200);
    expect(upstreams.auth.received).toHaveLength(LOGIN_LIMIT + 2);
  });

  it('when a login passes, then the auth service receives its body byte for byte', async () => {
    const body = Buffer.from('{ "email" : "Zoë@example.com",\n\t"password": "p\\u00e4ss wörd" }');

    const reply = await send(loginGateway.url, {
      method: 'POST',
      path: LOGIN,
      headers: { 'content-type': 'application/json', 'content-length': body.length },
      body,
      localAddress: '127.0.4.1',
    });

    expect(reply.status).toBe(200);
    const received = upstreams.auth.received[0]!;
    expect(received.complete).toBe(true);
    expect(received.body.equals(body)).toBe(true);
    expect(received.headers['content-length']).toBe(String(body.length));
    expect(received.headers['content-type']).toBe('application/json');
  });

  it('when a login body is chunked, then the auth service receives it whole, framed by Content-Length', async () => {
    const body = Buffer.from(JSON.stringify({ email: 'chunked@example.com', password: 'x' }));

    const reply = await send(loginGateway.url, {
      method: 'POST',
      path: LOGIN,
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      body,
      localAddress: '127.0.4.2',
    });

    expect(reply.status).toBe(200);
    const received = upstreams.auth.received[0]!;
    expect(received.body.equals(body)).toBe(true);
    expect(received.headers['content-length']).toBe(String(body.length));
    expect(received.headers['transfer-encoding']).toBeUndefined();
  });

  it('when a login body is not JSON with an email, then it reaches the auth service and is limited by address alone', async () => {
    const from = '127.0.5.1';
    const malformed = () =>
      send(loginGateway.url, {
        method: 'POST',
        path: LOGIN,
        headers: { 'content-type': 'application/json' },
        body: '{"email": ',
        localAddress: from,
      });

    const replies = await sendMany(LOGIN_LIMIT + 1, malformed);
    const noEmail = await login(42, from);
    const wellFormed = await login('ada@example.com', from);

    expect(replies.slice(0, LOGIN_LIMIT).map((reply) => reply.status)).toEqual([200, 200, 200]);
    expect(upstreams.auth.received[0]!.body.toString()).toBe('{"email": ');
    expectLimited(replies[LOGIN_LIMIT]!, 'LOGIN_RATE_LIMITED', LOGIN_LIMIT, LOGIN);
    expectLimited(noEmail, 'LOGIN_RATE_LIMITED', LOGIN_LIMIT, LOGIN);
    expect(wellFormed.status).toBe(200);
  });

  it('when the hosted login form is posted, then it counts against the same budget as the JSON login for that email', async () => {
    const from = '127.0.5.2';
    const form = (email: string) =>
      send(loginGateway.url, {
        method: 'POST',
        path: '/api/v1/auth/authorize',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          email,
          password: 'not-checked-here',
          request: 'r',
          csrf_token: 't',
        }).toString(),
        localAddress: from,
      });

    const replies = [
      await form('Ada@Example.com'),
      await login('ada@example.com', from),
      await form('ada@example.com '),
    ];
    const over = await form('ada@example.com');
    const overJson = await login('ada@example.com', from);
    const otherEmail = await form('grace@example.com');

    expect(replies.map((reply) => reply.status)).toEqual([200, 200, 200]);
    expect(upstreams.auth.received[0]!.body.toString()).toContain('email=Ada%40Example.com');
    expectLimited(over, 'LOGIN_RATE_LIMITED', LOGIN_LIMIT, '/api/v1/auth/authorize');
    expectLimited(overJson, 'LOGIN_RATE_LIMITED', LOGIN_LIMIT, LOGIN);
    expect(otherEmail.status).toBe(200);
  });

  it.each([
    ['declared', { 'content-length': LOGIN_BODY_LIMIT_BYTES + 1 }],
    ['chunked', { 'transfer-encoding': 'chunked' }],
  ])(
    'when a %s login body is over 4 KiB, then 413 and the auth service never hears of it',
    async (_kind, headers) => {
      const body = Buffer.alloc(LOGIN_BODY_LIMIT_BYTES + 1, 'a');

      const reply = await send(loginGateway.url, {
        method: 'POST',
        path: LOGIN,
        headers: { 'content-type': 'application/json', ...headers },
        body,
        localAddress: '127.0.6.1',
      });

      expect(reply.status).toBe(413);
      expect(reply.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', instance: LOGIN });
      expect(upstreams.auth.received).toHaveLength(0);
    },
  );

  it('when other auth routes are called more often than the login limit, then only the per-caller limit applies', async () => {
    const replies = await sendMany(LOGIN_LIMIT + 1, () =>
      send(loginGateway.url, {
        method: 'POST',
        path: '/api/v1/auth/refresh',
        headers: { 'content-type': 'application/json' },
        body: '{"refreshToken":"r"}',
        localAddress: '127.0.7.1',
      }),
    );

    expect(replies.every((reply) => reply.status === 200)).toBe(true);
    expect(rateLimitOf(replies[0]!).limit).toBe(1000);
  });

  it('when an address is over the per-caller limit, then its logins are refused before the body is read', async () => {
    const from = '127.0.8.1';
    await sendMany(LIMIT, () =>
      send(gateway.url, { path: '/api/v1/inventory/products', localAddress: from }),
    );

    const reply = await login('ada@example.com', from, gateway);

    expectLimited(reply, 'RATE_LIMITED', LIMIT, LOGIN);
    expect(upstreams.auth.received).toHaveLength(0);
  });
});
