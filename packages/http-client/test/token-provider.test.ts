import { ServiceUnavailableError } from '@portico/errors';
import { freePort, sendJson, startUpstream, type Upstream } from '@portico/test-kit';
import { createServiceTokenProvider } from '../src/index.js';
import { startAuth } from './upstream-server.js';

describe('createServiceTokenProvider', () => {
  let auth: Upstream | undefined;
  let clock: number;
  const now = () => clock;

  beforeEach(() => {
    clock = Date.parse('2025-01-01T00:00:00Z');
  });

  afterEach(async () => {
    await auth?.close();
    auth = undefined;
  });

  function providerFor(authUrl: string) {
    return createServiceTokenProvider({
      authUrl,
      clientId: 'order-service',
      clientSecret: 'order-secret',
      scope: 'inventory:read inventory:write',
      now,
    });
  }

  it('when asked twice, then it fetches once with a client_credentials form and serves the cached token', async () => {
    auth = await startAuth();
    const provider = providerFor(auth.url);

    expect(await provider.getToken()).toBe('token-1');
    expect(await provider.getToken()).toBe('token-1');

    expect(auth.calls).toHaveLength(1);
    const call = auth.calls[0]!;
    expect(call.method).toBe('POST');
    expect(call.url).toBe('/api/v1/auth/token');
    expect(call.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(call.body))).toEqual({
      grant_type: 'client_credentials',
      client_id: 'order-service',
      client_secret: 'order-secret',
      scope: 'inventory:read inventory:write',
    });
  });

  it('when 20 callers ask at once, then they share one fetch', async () => {
    auth = await startAuth();
    const provider = providerFor(auth.url);

    const tokens = await Promise.all(Array.from({ length: 20 }, () => provider.getToken()));

    expect(new Set(tokens)).toEqual(new Set(['token-1']));
    expect(auth.calls).toHaveLength(1);
  });

  it('when less than 60 s of a one-hour token remain, then it renews', async () => {
    auth = await startAuth(3600);
    const provider = providerFor(auth.url);
    const issuedAt = clock;

    await provider.getToken();
    clock = issuedAt + 3539_000;
    expect(await provider.getToken()).toBe('token-1');
    clock = issuedAt + 3541_000;
    expect(await provider.getToken()).toBe('token-2');
    expect(auth.calls).toHaveLength(2);
  });

  it('when less than 20% of a short-lived token remains, then it renews', async () => {
    auth = await startAuth(100);
    const provider = providerFor(auth.url);
    const issuedAt = clock;

    await provider.getToken();
    clock = issuedAt + 79_000;
    expect(await provider.getToken()).toBe('token-1');
    clock = issuedAt + 81_000;
    expect(await provider.getToken()).toBe('token-2');
  });

  it('when invalidated, then the next call fetches a new token, and a stale invalidate is ignored', async () => {
    auth = await startAuth();
    const provider = providerFor(auth.url);

    await provider.getToken();
    provider.invalidate();
    expect(await provider.getToken()).toBe('token-2');
    provider.invalidate('token-1');
    expect(await provider.getToken()).toBe('token-2');
    expect(auth.calls).toHaveLength(2);
  });

  it('when the auth service fails, then AUTH_UNAVAILABLE is thrown and the next call tries again', async () => {
    auth = await startUpstream((_call, res, n) =>
      n === 1
        ? sendJson(res, 500, { code: 'INTERNAL' }, 'application/problem+json')
        : sendJson(res, 200, { access_token: 'fresh', token_type: 'Bearer', expires_in: 60 }),
    );
    const provider = providerFor(auth.url);

    const error = await provider.getToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error).toMatchObject({ status: 503, code: 'AUTH_UNAVAILABLE' });
    expect((error as Error).message).not.toContain('order-secret');

    expect(await provider.getToken()).toBe('fresh');
    expect(auth.calls).toHaveLength(2);
  });

  it('when the auth service answers with a malformed token, then AUTH_UNAVAILABLE is thrown', async () => {
    auth = await startUpstream((_call, res) => sendJson(res, 200, { token_type: 'Bearer' }));

    await expect(providerFor(auth.url).getToken()).rejects.toMatchObject({
      code: 'AUTH_UNAVAILABLE',
    });
  });

  it('when the auth service is unreachable, then AUTH_UNAVAILABLE is thrown', async () => {
    const provider = providerFor(`http://127.0.0.1:${await freePort()}`);

    await expect(provider.getToken()).rejects.toMatchObject({ code: 'AUTH_UNAVAILABLE' });
  });
});
