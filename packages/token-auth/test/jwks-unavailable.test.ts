import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import { createTokenVerifier } from '../src/index.js';
import { AUDIENCE, accessToken, ISSUER, makeKey, startProtectedApp } from './support/token-kit.js';

type App = Awaited<ReturnType<typeof startProtectedApp>>;
const opened: { close: () => Promise<void> }[] = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

/** A JWKS host that answers 500 until `healthy` is set, counting requests. */
async function startFlakyJwks(publicJwk: object) {
  const state = { healthy: false, requests: 0 };
  const server = createServer((_req, res) => {
    state.requests += 1;
    if (!state.healthy) {
      res.writeHead(500).end('boom');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [publicJwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  opened.push({
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
  return { url, state };
}

async function protectedApp(jwksUrl: string): Promise<App> {
  const verifier = createTokenVerifier({ jwksUrl, issuer: ISSUER, audience: AUDIENCE });
  const app = await startProtectedApp(verifier);
  opened.push(app);
  return app;
}

async function getMe(app: App, token: string) {
  const res = await fetch(`${app.url}/me`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, headers: res.headers, body: (await res.json()) as object };
}

describe('requireAuth, when the key set cannot be fetched', () => {
  it('when the JWKS host refuses connections, then 503 with Retry-After, not 401 invalid_token', async () => {
    const key = await makeKey();
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const app = await protectedApp(`http://127.0.0.1:${port}/.well-known/jwks.json`);

    const answer = await getMe(app, await accessToken(key));

    expect(answer.status).toBe(503);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(answer.headers.get('www-authenticate')).toBeNull();
  });

  it('when the JWKS host answers 500 and then recovers, then 503 first and the same token verifies after', async () => {
    const key = await makeKey();
    const jwks = await startFlakyJwks(key.publicJwk);
    const app = await protectedApp(jwks.url);
    const token = await accessToken(key);

    expect((await getMe(app, token)).status).toBe(503);
    jwks.state.healthy = true;
    const answer = await getMe(app, token);

    expect(answer.status).toBe(200);
    expect(jwks.state.requests).toBe(2);
  });
});
