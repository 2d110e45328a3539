import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  b64url,
  makeKey,
  now,
  type SigningKey,
  segment,
  sendJson,
  signRaw,
  startJwksServer,
  startUpstream,
  type Upstream,
} from '@portico/test-kit';
import { type CryptoKey, exportSPKI, importJWK, SignJWT } from 'jose';
import { createTokenVerifier } from '../src/index.js';
import {
  AUDIENCE,
  accessToken,
  ISSUER,
  serviceClaims,
  startProtectedApp,
  userClaims,
} from './support/token-kit.js';

const TOLERANCE_S = 30;

let signing: SigningKey;
/** A key the auth service never published: the attacker's. */
let attacker: SigningKey;
let jwks: Awaited<ReturnType<typeof startJwksServer>>;
/** The attacker's key host for `jku` / `x5u`: nothing may fetch from it. */
let attackerHost: Upstream;
let app: Awaited<ReturnType<typeof startProtectedApp>>;

beforeAll(async () => {
  signing = await makeKey('key-2025-01');
  attacker = await makeKey('attacker-key');
  jwks = await startJwksServer([signing]);
  attackerHost = await startUpstream((_call, res) =>
    sendJson(res, 200, { keys: [attacker.publicJwk] }),
  );
  const verifier = createTokenVerifier({
    jwksUrl: jwks.jwksUrl,
    issuer: ISSUER,
    audience: AUDIENCE,
    clockToleranceSeconds: TOLERANCE_S,
    cooldownMs: 60_000,
  });
  // Room for a 1 MB header, so the oversized token reaches the verifier itself.
  app = await startProtectedApp(verifier, { maxHeaderSize: 2 * 1024 * 1024 });
});

afterAll(async () => {
  await app.close();
  await jwks.close();
  await attackerHost.close();
});

type Answer = { status: number; headers: Headers; body: Record<string, unknown> };

async function get(path: string, authorization?: string): Promise<Answer> {
  const res = await fetch(`${app.url}${path}`, {
    headers: authorization === undefined ? {} : { authorization },
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as never };
}

const bearer = (token: string) => `Bearer ${token}`;

function expectInvalidToken(answer: Answer): void {
  expect(answer.status).toBe(401);
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(answer.body).toMatchObject({ status: 401, code: 'INVALID_TOKEN' });
  expect(answer.headers.get('www-authenticate')).toMatch(
    /^Bearer realm="portico", error="invalid_token"(, error_description="[^"]*")?$/,
  );
}

describe('requireAuth, when the token is valid', () => {
  it('when a valid user token is presented, then 200 and the verified caller is exposed', async () => {
    const claims = userClaims({ roles: ['user', 'admin'] });
    const answer = await get('/me', bearer(await accessToken(signing, claims)));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      kind: 'user',
      sub: claims.sub,
      roles: ['user', 'admin'],
      jti: claims.jti,
      iat: claims.iat,
      exp: claims.exp,
    });
  });

  it('when a user token names its session (sid), then the caller carries it', async () => {
    const claims = userClaims({ sid: 'family-1' });
    const answer = await get('/me', bearer(await accessToken(signing, claims)));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ kind: 'user', sub: claims.sub, sid: 'family-1' });
  });

  it('when the token is signed by jose SignJWT as the auth service does, then it is accepted', async () => {
    const token = await new SignJWT({ roles: ['user'] })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: signing.kid })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('user-1')
      .setJti('jti-1')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(signing.privateKey);
    const answer = await get('/me', bearer(token));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ kind: 'user', sub: 'user-1', jti: 'jti-1' });
  });

  it('when a service token is presented, then the caller is a service with its client id and scopes', async () => {
    const claims = serviceClaims('users:read orders:write');
    const answer = await get('/me', bearer(await accessToken(signing, claims)));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      kind: 'service',
      sub: 'order-service',
      clientId: 'order-service',
      scopes: ['users:read', 'orders:write'],
      jti: claims.jti,
      iat: claims.iat,
      exp: claims.exp,
    });
  });

  it('when the token expired 5 s ago and the tolerance is 30 s, then it is still accepted', async () => {
    const claims = userClaims({ iat: now() - 305, exp: now() - 5 });
    expect((await get('/me', bearer(await accessToken(signing, claims)))).status).toBe(200);
  });

  it('when nbf is 5 s ahead and the tolerance is 30 s, then it is accepted', async () => {
    const claims = userClaims({ nbf: now() + 5 });
    expect((await get('/me', bearer(await accessToken(signing, claims)))).status).toBe(200);
  });

  it('when typ is the full media type application/at+jwt, then it is accepted (RFC 9068 §2.1)', async () => {
    const token = await accessToken(signing, userClaims(), { typ: 'application/at+jwt' });
    expect((await get('/me', bearer(token))).status).toBe(200);
  });

  it('when the scheme is written in lower case, then the token is accepted (RFC 7235 §2.1: case-insensitive)', async () => {
    const token = await accessToken(signing);
    expect((await get('/me', `bearer ${token}`)).status).toBe(200);
  });
});

describe('requireAuth, when there is no bearer token', () => {
  it('when no Authorization header is sent, then 401 with a challenge that carries no error', async () => {
    const answer = await get('/me');
    expect(answer.status).toBe(401);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({
      type: 'urn:portico:problem:token-required',
      status: 401,
      code: 'TOKEN_REQUIRED',
      instance: '/me',
    });
    expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="portico"');
  });

  it('when another scheme (Basic) is used, then 401 with a Bearer challenge and no error code (RFC 6750 §3.1)', async () => {
    const answer = await get('/me', `Basic ${b64url('alice:secret')}`);
    expect(answer.status).toBe(401);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({ status: 401, code: 'TOKEN_REQUIRED' });
    expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="portico"');
  });

  it.each([
    ['the bearer value has spaces', 'Bearer not a token'],
    ['the bearer value has characters outside token68', 'Bearer abc$def'],
    ['the scheme is given with no token', 'Bearer'],
  ])('when %s, then 401 invalid_token', async (_case, header) => {
    expectInvalidToken(await get('/me', header));
  });
});

/** Each builder returns a token the verifier must refuse. */
const forgeries: [string, () => Promise<string>][] = [
  [
    'alg is "none"',
    async () => `${segment({ alg: 'none', typ: 'at+jwt' })}.${segment(userClaims())}.`,
  ],
  [
    'alg is "None"',
    async () => `${segment({ alg: 'None', typ: 'at+jwt' })}.${segment(userClaims())}.`,
  ],
  [
    'alg is "NONE"',
    async () => `${segment({ alg: 'NONE', typ: 'at+jwt' })}.${segment(userClaims())}.`,
  ],
  [
    'alg is "none" and the header names the real kid',
    async () =>
      `${segment({ alg: 'none', typ: 'at+jwt', kid: signing.kid })}.${segment(userClaims())}.`,
  ],
  [
    'it is HS256 with the public JWK (JSON) as the HMAC secret',
    async () => hmacToken(JSON.stringify(signing.publicJwk)),
  ],
  [
    'it is HS256 with the public key PEM as the HMAC secret',
    async () => hmacToken(await publicPem()),
  ],
  [
    'the payload was tampered with after signing',
    async () => {
      const [header, , signature] = (await accessToken(signing)).split('.');
      return `${header}.${segment(userClaims({ roles: ['user', 'admin'] }))}.${signature}`;
    },
  ],
  [
    'the signature was stripped (trailing dot kept)',
    async () => (await accessToken(signing)).split('.').slice(0, 2).join('.').concat('.'),
  ],
  [
    'the signature was stripped (two segments)',
    async () => (await accessToken(signing)).split('.').slice(0, 2).join('.'),
  ],
  [
    'the ES256 signature is all zeros',
    async () => {
      const [header, payload] = (await accessToken(signing)).split('.');
      return `${header}.${payload}.${b64url(new Uint8Array(64))}`;
    },
  ],
  [
    'it is signed by an unpublished key under the published kid',
    () =>
      signRaw({ alg: 'ES256', typ: 'at+jwt', kid: signing.kid }, userClaims(), attacker.privateKey),
  ],
  ['iss is another issuer', () => accessToken(signing, userClaims({ iss: 'https://evil.test' }))],
  ['iss is missing', () => accessToken(signing, userClaims({ iss: undefined }))],
  ['aud is another audience', () => accessToken(signing, userClaims({ aud: 'billing' }))],
  ['aud is missing', () => accessToken(signing, userClaims({ aud: undefined }))],
  ['typ is JWT', () => accessToken(signing, userClaims(), { typ: 'JWT' })],
  ['typ is missing', () => accessToken(signing, userClaims(), { typ: undefined })],
  [
    'it expired 60 s ago with a 30 s tolerance',
    () => accessToken(signing, userClaims({ iat: now() - 360, exp: now() - 60 })),
  ],
  [
    'nbf is 120 s ahead with a 30 s tolerance',
    () => accessToken(signing, userClaims({ nbf: now() + 120 })),
  ],
  ['its kid is unknown', async () => accessToken(await makeKey('not-published'))],
  ['exp is missing', () => accessToken(signing, userClaims({ exp: undefined }))],
  ['iat is missing', () => accessToken(signing, userClaims({ iat: undefined }))],
  ['jti is missing', () => accessToken(signing, userClaims({ jti: undefined }))],
  ['sub is missing', () => accessToken(signing, userClaims({ sub: undefined }))],
  [
    'the header embeds its own jwk (no kid)',
    () =>
      signRaw(
        { alg: 'ES256', typ: 'at+jwt', jwk: attacker.publicJwk },
        userClaims(),
        attacker.privateKey,
      ),
  ],
  [
    'the header embeds a jwk and names the published kid',
    () =>
      signRaw(
        { alg: 'ES256', typ: 'at+jwt', kid: signing.kid, jwk: attacker.publicJwk },
        userClaims(),
        attacker.privateKey,
      ),
  ],
  ['the header has an x5c chain', () => accessToken(signing, userClaims(), { x5c: ['MIIBfake'] })],
  [
    'kid is a path traversal',
    () => accessToken(signing, userClaims(), { kid: '../../../../etc/passwd' }),
  ],
  [
    'kid is SQL text',
    () => accessToken(signing, userClaims(), { kid: "' OR '1'='1'; DROP TABLE keys; --" }),
  ],
  [
    'the header has an unknown crit member',
    () => accessToken(signing, userClaims(), { crit: ['urn:portico:ext'], 'urn:portico:ext': 1 }),
  ],
  [
    'the header names crit b64=false (unencoded payload)',
    () => accessToken(signing, userClaims(), { crit: ['b64'], b64: false }),
  ],
  ['the header is not JSON', async () => `${b64url('not json')}.${segment(userClaims())}.sig`],
  ['the header is a JSON array', async () => `${segment([])}.${segment(userClaims())}.sig`],
  [
    'the payload is not JSON',
    async () => {
      const [header] = (await accessToken(signing)).split('.');
      return `${header}.${b64url('{not json')}.${b64url(new Uint8Array(64))}`;
    },
  ],
  ['it has four segments', async () => `${await accessToken(signing)}.extra`],
];

function hmacToken(secret: string): string {
  const input = `${segment({ alg: 'HS256', typ: 'at+jwt', kid: signing.kid })}.${segment(userClaims())}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

async function publicPem(): Promise<string> {
  const publicKey = await importJWK(signing.publicJwk, 'ES256', { extractable: true });
  return exportSPKI(publicKey as CryptoKey);
}

describe('requireAuth, when the token is forged or not acceptable', () => {
  it.each(forgeries)('when %s, then 401 invalid_token', async (_case, build) => {
    expectInvalidToken(await get('/me', bearer(await build())));
  });

  it('when the kid is path traversal or SQL text, then the JWKS host is asked for nothing but its key set', async () => {
    await get('/me', bearer(await accessToken(signing, userClaims(), { kid: '../admin' })));
    expect(jwks.requests.every((url) => url === '/.well-known/jwks.json')).toBe(true);
  });

  it.each([
    ['jku', 'jku'],
    ['x5u', 'x5u'],
  ])(
    'when the header names a %s on another server, then 401 and that server receives no request',
    async (_case, member) => {
      const token = await signRaw(
        {
          alg: 'ES256',
          typ: 'at+jwt',
          kid: attacker.kid,
          [member]: `${attackerHost.url}/jwks.json`,
        },
        userClaims(),
        attacker.privateKey,
      );
      expectInvalidToken(await get('/me', bearer(token)));
      // Same with the published kid: the header must not even be looked at as a key source.
      const withKid = await signRaw(
        {
          alg: 'ES256',
          typ: 'at+jwt',
          kid: signing.kid,
          [member]: `${attackerHost.url}/jwks.json`,
        },
        userClaims(),
        signing.privateKey,
      );
      expectInvalidToken(await get('/me', bearer(withKid)));
      expect(attackerHost.calls).toEqual([]);
    },
  );

  it('when the token is 1 MB long, then 401 invalid_token, not a 500', async () => {
    const [header, , signature] = (await accessToken(signing)).split('.');
    const payload = segment(userClaims({ pad: 'x'.repeat(1024 * 1024) }));
    const answer = await get('/me', bearer(`${header}.${payload}.${signature}`));
    expectInvalidToken(answer);
  });

  it('when a token is refused, then the problem detail names no claim value or key material', async () => {
    const answer = await get(
      '/me',
      bearer(await accessToken(signing, userClaims({ aud: 'billing' }))),
    );
    expectInvalidToken(answer);
    expect(JSON.stringify(answer.body)).not.toContain('billing');
    expect(JSON.stringify(answer.body)).not.toContain(signing.publicJwk.x);
  });
});
