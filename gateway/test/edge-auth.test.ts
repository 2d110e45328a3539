import { createHmac, randomUUID } from 'node:crypto';
import { now, segment, startUpstream, type Upstream } from '@portico/test-kit';
import { AUDIENCE, ISSUER } from './support/auth-kit.js';
import { send, useGateway } from './support/gateway-harness.js';

const { upstreams, gateway } = useGateway({ RATE_LIMIT_PER_MINUTE: '100000' });
/** The attacker's key host for `jku` / `x5u`: the gateway must never call it. */
let attacker: Upstream;

beforeAll(async () => {
  attacker = await startUpstream((_call, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":[]}');
  });
});

afterAll(() => attacker.close());

const claims = (overrides: Record<string, unknown> = {}) => ({
  iss: ISSUER,
  aud: AUDIENCE,
  sub: randomUUID(),
  jti: randomUUID(),
  iat: now() - 1,
  exp: now() + 300,
  roles: ['user'],
  ...overrides,
});
const header = (overrides: Record<string, unknown> = {}) => ({
  alg: 'ES256',
  typ: 'at+jwt',
  kid: upstreams.kit.kid,
  ...overrides,
});

/** Every forgery of the foundation issue's list, built against the gateway's real key. */
const forgeries: [string, () => Promise<string>][] = [
  ['alg none', async () => `${segment({ alg: 'none', typ: 'at+jwt' })}.${segment(claims())}.`],
  ['alg NoNe', async () => `${segment({ alg: 'NoNe', typ: 'at+jwt' })}.${segment(claims())}.`],
  [
    'HS256 signed with the public key',
    async () => {
      const input = `${segment({ alg: 'HS256', typ: 'at+jwt', kid: upstreams.kit.kid })}.${segment(claims())}`;
      const mac = createHmac('sha256', JSON.stringify(upstreams.kit.publicJwk))
        .update(input)
        .digest('base64url');
      return `${input}.${mac}`;
    },
  ],
  [
    'a tampered payload',
    async () => {
      const [h, , sig] = (await upstreams.kit.signRaw(header(), claims())).split('.');
      return `${h}.${segment(claims({ roles: ['admin'] }))}.${sig}`;
    },
  ],
  [
    'a stripped signature',
    async () =>
      `${(await upstreams.kit.signRaw(header(), claims())).split('.').slice(0, 2).join('.')}.`,
  ],
  [
    'an ES256 signature of zeros',
    async () =>
      `${segment(header())}.${segment(claims())}.${Buffer.alloc(64).toString('base64url')}`,
  ],
  [
    'a wrong issuer',
    () => upstreams.kit.signRaw(header(), claims({ iss: 'https://evil.example' })),
  ],
  ['a wrong audience', () => upstreams.kit.signRaw(header(), claims({ aud: 'another-api' }))],
  ['typ JWT', () => upstreams.kit.signRaw(header({ typ: 'JWT' }), claims())],
  ['no typ', () => upstreams.kit.signRaw({ alg: 'ES256', kid: upstreams.kit.kid }, claims())],
  [
    // An OpenID Connect ID token, as the auth service signs one for an OAuth client.
    'an ID token (typ JWT, aud the OAuth client) presented as an access token',
    () =>
      upstreams.kit.signRaw(
        header({ typ: 'JWT' }),
        claims({
          aud: 'portico-demo',
          azp: 'portico-demo',
          nonce: 'n',
          auth_time: now(),
          sid: randomUUID(),
        }),
      ),
  ],
  [
    'an access token whose aud is an OAuth client instead of the API',
    () => upstreams.kit.signRaw(header(), claims({ aud: 'portico-demo', azp: 'portico-demo' })),
  ],
  [
    'an expired token',
    () => upstreams.kit.signRaw(header(), claims({ iat: now() - 600, exp: now() - 120 })),
  ],
  ['nbf in the future', () => upstreams.kit.signRaw(header(), claims({ nbf: now() + 600 }))],
  [
    'iat an hour in the future',
    () => upstreams.kit.signRaw(header(), claims({ iat: now() + 3600, exp: now() + 3900 })),
  ],
  [
    'exp centuries away',
    () => upstreams.kit.signRaw(header(), claims({ exp: now() + 300 * 365 * 86_400 })),
  ],
  ['an unknown kid', () => upstreams.kit.signRaw(header({ kid: randomUUID() }), claims())],
  [
    'a kid with path traversal',
    () => upstreams.kit.signRaw(header({ kid: '../../etc/passwd' }), claims()),
  ],
  ['a kid with SQL', () => upstreams.kit.signRaw(header({ kid: "' OR 1=1 --" }), claims())],
  [
    'an embedded jwk',
    () => upstreams.kit.signRaw(header({ jwk: upstreams.kit.publicJwk }), claims()),
  ],
  [
    'a jku to another host',
    () => upstreams.kit.signRaw(header({ jku: `${attacker.url}/jwks.json` }), claims()),
  ],
  [
    'an x5u to another host',
    () => upstreams.kit.signRaw(header({ x5u: `${attacker.url}/cert.pem` }), claims()),
  ],
  [
    'an unknown crit header',
    () => upstreams.kit.signRaw(header({ crit: ['x-unknown'], 'x-unknown': 1 }), claims()),
  ],
  ['no jti', () => upstreams.kit.signRaw(header(), { ...claims(), jti: undefined })],
  ['a service token', () => upstreams.kit.serviceToken('order-service', 'users:read')],
];

describe('edge authentication', () => {
  it.each(forgeries)(
    'when the token has %s, then the gateway refuses it and nothing reaches the upstream',
    async (_name, make) => {
      const token = await make();
      const reply = await send(gateway.url, { path: '/api/v1/orders', token });
      expect([401, 403]).toContain(reply.status);
      expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
      if (reply.status === 401)
        expect(reply.headers['www-authenticate']).toMatch(/error="invalid_token"/);
      expect(upstreams.order.received).toHaveLength(0);
      expect(attacker.calls).toEqual([]);
    },
  );

  it('when no token is sent to a token route, then 401 with a bare challenge; public routes pass', async () => {
    const none = await send(gateway.url, { path: '/api/v1/users/me' });
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="portico"');
    expect((await send(gateway.url, { path: '/api/v1/inventory/products' })).status).toBe(200);
    expect(
      (await send(gateway.url, { method: 'POST', path: '/api/v1/inventory/products' })).status,
    ).toBe(401);
    expect(
      (await send(gateway.url, { method: 'POST', path: '/api/v1/auth/login', body: '{}' })).status,
    ).toBe(200);
  });

  it('when a 1 MB token is sent, then it is refused without a 5xx', async () => {
    const reply = await send(gateway.url, {
      path: '/api/v1/orders',
      token: 'a'.repeat(1024 * 1024),
    }).catch(() => ({ status: 431 }));
    expect(reply.status).toBeGreaterThanOrEqual(400);
    expect(reply.status).toBeLessThan(500);
  });

  it('when one token is used many times, then its signature is checked once and the cache answers the rest', async () => {
    const token = await upstreams.kit.userToken();
    for (let i = 0; i < 20; i += 1) {
      expect((await send(gateway.url, { path: '/api/v1/orders', token })).status).toBe(200);
    }
    const metrics = (await send(gateway.url, { path: '/metrics' })).text;
    const count = (outcome: string) =>
      Number(
        new RegExp(
          `gateway_cache_lookups_total\\{[^}]*cache="token"[^}]*outcome="${outcome}"[^}]*\\} (\\d+)`,
        ).exec(metrics)?.[1] ?? 0,
      );
    expect(count('hit')).toBeGreaterThanOrEqual(19);
  });
});

describe('user status at the edge', () => {
  it('when 100 requests for an uncached user arrive at once, then user-service is asked once', async () => {
    const sub = randomUUID();
    const { authorization } = await upstreams.bearer(sub);
    const replies = await Promise.all(
      Array.from({ length: 100 }, () =>
        send(gateway.url, { path: '/api/v1/orders', headers: { authorization } }),
      ),
    );
    expect(replies.every((r) => r.status === 200)).toBe(true);
    const lookups = upstreams.user.sideCalls.filter((c) => c.url === `/internal/v1/users/${sub}`);
    expect(lookups).toHaveLength(1);
  });

  it('when the user is disabled, then 403; when unknown, then 401, and the unknown answer is cached', async () => {
    const disabled = randomUUID();
    const unknown = randomUUID();
    upstreams.userStatuses.set(disabled, 'disabled');
    upstreams.userStatuses.set(unknown, 'unknown');
    const refused = await send(gateway.url, {
      path: '/api/v1/orders',
      headers: await upstreams.bearer(disabled),
    });
    expect(refused.status).toBe(403);
    expect(refused.json().code).toBe('USER_DISABLED');
    const auth = await upstreams.bearer(unknown);
    expect((await send(gateway.url, { path: '/api/v1/orders', headers: auth })).status).toBe(401);
    expect((await send(gateway.url, { path: '/api/v1/orders', headers: auth })).status).toBe(401);
    expect(
      upstreams.user.sideCalls.filter((c) => c.url === `/internal/v1/users/${unknown}`),
    ).toHaveLength(1);
    expect(upstreams.order.received).toHaveLength(0);
  });

  it('when user-service fails, then cached users keep being served and uncached ones get 503 with Retry-After', async () => {
    const known = await upstreams.bearer();
    expect((await send(gateway.url, { path: '/api/v1/orders', headers: known })).status).toBe(200);
    upstreams.user.handleSide((_req, res) => res.writeHead(500).end());
    try {
      expect((await send(gateway.url, { path: '/api/v1/orders', headers: known })).status).toBe(
        200,
      );
      const stranger = await send(gateway.url, {
        path: '/api/v1/orders',
        headers: await upstreams.bearer(),
      });
      expect(stranger.status).toBe(503);
      expect(Number(stranger.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      upstreams.user.handleSide((req, res) => {
        const id = /\/internal\/v1\/users\/([^/?]+)$/.exec(req.url ?? '')?.[1];
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ id, email: 'x@example.com', name: 'X', status: 'active' }));
      });
    }
  });
});
