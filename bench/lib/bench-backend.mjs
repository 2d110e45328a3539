// The gateway bench's one upstream, in its own process: it plays the auth
// service (an ES256 JWKS and the client-credentials endpoint the gateway logs
// in with), the user service (`GET /internal/v1/users/{id}`, always active) and
// the order service (`GET /api/v1/orders`, a small fixed page). Everything is
// prepared up front so the backend costs both proxies the same, and little.
//
// Env: PORT (required), TOKEN_ISSUER, TOKEN_AUDIENCE (the gateway's defaults).
// `GET /bench/user-token` hands the bench one user token, valid for an hour.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

const port = Number(process.env.PORT);
const issuer = process.env.TOKEN_ISSUER ?? 'http://127.0.0.1:8080';
const audience = process.env.TOKEN_AUDIENCE ?? 'portico-api';
const BENCH_USER_ID = '0b6f1c2e-5a4d-4c3b-9e8f-7a6b5c4d3e2f';

const kid = randomUUID();
const { privateKey, publicKey } = await generateKeyPair('ES256');
const jwks = JSON.stringify({
  keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }],
});

/**
 * @param {import('jose').JWTPayload} claims
 * @param {string} sub
 * @param {string} ttl a time span, as jose reads it (`1h`)
 */
const sign = (claims, sub, ttl) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt' })
    .setIssuer(issuer)
    .setAudience(audience)
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(ttl)
    .setJti(randomUUID())
    .sign(privateKey);

const orders = Buffer.from(
  JSON.stringify({
    items: [
      {
        id: '6a1f9d3e-2b7c-4e8a-9f10-3c5d7e9b1a2f',
        userId: BENCH_USER_ID,
        status: 'confirmed',
        items: [{ sku: 'BENCH-1', quantity: 2, unitPriceCents: 1250 }],
        totalCents: 2500,
        reason: null,
        history: [],
        createdAt: '2026-01-01T00:00:00.000Z',
      },
    ],
    nextCursor: null,
  }),
);
const user = Buffer.from(
  JSON.stringify({
    id: BENCH_USER_ID,
    email: 'bench@example.com',
    name: 'Bench',
    status: 'active',
  }),
);
const JSON_TYPE = { 'content-type': 'application/json' };

const server = createServer(async (req, res) => {
  const path = req.url?.split('?', 1)[0];
  if (req.method === 'GET' && path === '/api/v1/orders') {
    res.writeHead(200, { ...JSON_TYPE, 'content-length': orders.length }).end(orders);
  } else if (req.method === 'GET' && path?.startsWith('/internal/v1/users/')) {
    res.writeHead(200, { ...JSON_TYPE, 'content-length': user.length }).end(user);
  } else if (req.method === 'GET' && path === '/.well-known/jwks.json') {
    res.writeHead(200, { ...JSON_TYPE, 'cache-control': 'max-age=300' }).end(jwks);
  } else if (req.method === 'POST' && path === '/api/v1/auth/token') {
    req.resume();
    const token = await sign({ client_id: 'gateway', scope: 'users:read' }, 'gateway', '1h');
    res.writeHead(200, JSON_TYPE).end(
      JSON.stringify({
        access_token: token,
        token_type: 'Bearer',
        expires_in: 3600,
        scope: 'users:read',
      }),
    );
  } else if (req.method === 'GET' && path === '/bench/user-token') {
    const token = await sign({ roles: ['user'] }, BENCH_USER_ID, '1h');
    res.writeHead(200, JSON_TYPE).end(JSON.stringify({ token, userId: BENCH_USER_ID }));
  } else if (path === '/healthz') {
    res.writeHead(200, JSON_TYPE).end('{"status":"ok"}');
  } else {
    res.writeHead(404, JSON_TYPE).end('{"status":404}');
  }
});
// Longer than any pause between rounds, so neither proxy's pooled sockets are
// closed under it: both would pay for reconnecting, but unevenly.
server.keepAliveTimeout = 120_000;
server.headersTimeout = 125_000;
server.listen(port, '127.0.0.1');
for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => process.exit(0));
