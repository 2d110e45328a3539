import { createPortico, memoryTokenStore, PorticoError, type Tokens, unwrap } from '@portico/sdk';

const json = (status: number, body: unknown, type = 'application/json') =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });

const problem = (status: number, code: string) =>
  json(
    status,
    { type: 'about:blank', title: code, status, detail: code, code },
    'application/problem+json',
  );

const pair = (n: number): Tokens => ({
  access_token: `access-${n}`,
  refresh_token: `refresh-${n}`,
  token_type: 'Bearer',
  expires_in: 900,
});

/**
 * Stands in for the gateway: one valid access token at a time, refresh tokens
 * spent on first use, and a record of every request it saw.
 */
function fakeGateway() {
  let issued = 0;
  let valid = { access: '', refresh: '' };
  const issue = () => {
    issued += 1;
    valid = { access: `access-${issued}`, refresh: `refresh-${issued}` };
    return json(200, pair(issued));
  };
  const seen: { method: string; path: string; authorization: string | null; body: string }[] = [];
  const fetch = async (request: Request) => {
    const path = new URL(request.url).pathname;
    const body = await request.text();
    seen.push({
      method: request.method,
      path,
      authorization: request.headers.get('authorization'),
      body,
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (path === '/api/v1/auth/login') return issue();
    if (path === '/api/v1/auth/refresh') {
      if (JSON.parse(body).refresh_token !== valid.refresh)
        return problem(401, 'INVALID_REFRESH_TOKEN');
      return issue();
    }
    if (path === '/api/v1/auth/logout') return new Response(null, { status: 204 });
    if (request.headers.get('authorization') !== `Bearer ${valid.access}`)
      return problem(401, 'INVALID_TOKEN');
    if (path === '/api/v1/users/me')
      return json(200, { id: 'u1', email: 'a@example.com', name: 'A', status: 'active' });
    if (path === '/api/v1/orders') return json(202, { echo: JSON.parse(body) });
    return problem(404, 'NOT_FOUND');
  };
  return {
    fetch,
    seen,
    /** The access token expires; the refresh token still works. */
    expire: () => {
      valid = { ...valid, access: 'expired' };
    },
    /** Both tokens are refused, as after a revocation. */
    revoke: () => {
      valid = { access: 'revoked', refresh: 'revoked' };
    },
    count: (path: string) => seen.filter((s) => s.path === path).length,
  };
}

describe('the SDK session', () => {
  it('when logged in, then requests carry the access token and the store keeps the tokens', async () => {
    const gateway = fakeGateway();
    const tokens = memoryTokenStore();
    const portico = createPortico({ baseUrl: 'http://gw.test/', fetch: gateway.fetch, tokens });
    await portico.session.login({ email: 'a@example.com', password: 'password-1' });

    unwrap(await portico.users.GET('/api/v1/users/me'));

    expect(gateway.seen.at(-1)).toMatchObject({
      path: '/api/v1/users/me',
      authorization: 'Bearer access-1',
    });
    expect(gateway.seen[0]!.authorization).toBeNull();
    expect(await tokens.load()).toEqual(pair(1));
  });

  it('when the access token is refused, then the SDK refreshes once and retries the request with its body', async () => {
    const gateway = fakeGateway();
    const saved: Tokens[] = [];
    const store = memoryTokenStore();
    const portico = createPortico({
      baseUrl: 'http://gw.test',
      fetch: gateway.fetch,
      tokens: {
        ...store,
        save: (t) => {
          saved.push(t);
          return store.save(t);
        },
      },
    });
    await portico.session.login({ email: 'a@example.com', password: 'password-1' });
    gateway.expire();

    const placed = await portico.orders.POST('/api/v1/orders', {
      body: { items: [{ sku: 'SKU-1', quantity: 2 }] },
    });

    expect(placed.response.status).toBe(202);
    expect(placed.data).toEqual({ echo: { items: [{ sku: 'SKU-1', quantity: 2 }] } });
    expect(gateway.count('/api/v1/auth/refresh')).toBe(1);
    expect(gateway.seen.at(-1)!.authorization).toBe('Bearer access-2');
    expect(saved.map((t) => t.access_token)).toEqual(['access-1', 'access-2']);
  });

  it('when several requests are refused at once, then they share one refresh', async () => {
    const gateway = fakeGateway();
    const portico = createPortico({ baseUrl: 'http://gw.test', fetch: gateway.fetch });
    await portico.session.login({ email: 'a@example.com', password: 'password-1' });
    gateway.expire();

    const results = await Promise.all(
      Array.from({ length: 5 }, () => portico.users.GET('/api/v1/users/me')),
    );

    expect(results.map((r) => r.response.status)).toEqual([200, 200, 200, 200, 200]);
    expect(gateway.count('/api/v1/auth/refresh')).toBe(1);
  });

  it('when the refresh token is refused too, then the 401 surfaces as a PorticoError and the tokens are cleared', async () => {
    const gateway = fakeGateway();
    const tokens = memoryTokenStore();
    const portico = createPortico({ baseUrl: 'http://gw.test', fetch: gateway.fetch, tokens });
    await portico.session.login({ email: 'a@example.com', password: 'password-1' });
    gateway.revoke();

    const result = await portico.users.GET('/api/v1/users/me');
    const caught = (run: () => unknown) => {
      try {
        return run();
      } catch (e) {
        return e;
      }
    };
    const error = caught(() => unwrap(result));
    const thrown = caught(() =>
      unwrap({ error: 'oops', response: new Response('oops', { status: 502 }) }),
    );

    expect(error).toBeInstanceOf(PorticoError);
    expect(error).toMatchObject({
      status: 401,
      code: 'INVALID_TOKEN',
      problem: { detail: 'INVALID_TOKEN' },
    });
    expect(gateway.count('/api/v1/auth/refresh')).toBe(1);
    expect(await tokens.load()).toBeUndefined();
    expect(thrown).toMatchObject({ status: 502, code: 'HTTP_502' });
  });

  it('when logging out, then the refresh token is revoked and the store cleared', async () => {
    const gateway = fakeGateway();
    const tokens = memoryTokenStore();
    const portico = createPortico({ baseUrl: 'http://gw.test', fetch: gateway.fetch, tokens });
    await portico.session.login({ email: 'a@example.com', password: 'password-1' });

    await portico.session.logout();

    expect(gateway.seen.at(-1)).toMatchObject({
      path: '/api/v1/auth/logout',
      body: '{"refresh_token":"refresh-1"}',
    });
    expect(await tokens.load()).toBeUndefined();
  });
});
