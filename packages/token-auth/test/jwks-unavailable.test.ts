import { createServer } from 'node:http';
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  JWKS_PATH,
  jwksDocument,
  listenLocally,
  makeKey,
  refusedUrl,
  type SigningKey,
} from '@portico/test-kit';
import { createTokenVerifier } from '../src/index.js';
import { AUDIENCE, accessToken, ISSUER, startProtectedApp } from './support/token-kit.js';

type App = Awaited<ReturnType<typeof startProtectedApp>>;
const opened: { close: () => Promise<void> }[] = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

/** A JWKS host that answers 500 until `healthy` is set, counting requests. */
async function startFlakyJwks(key: SigningKey) {
  const state = { healthy: false, requests: 0 };
  const server = createServer((_req, res) => {
    state.requests += 1;
    if (!state.healthy) {
      res.writeHead(500).end('boom');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(jwksDocument([key]));
  });
  const listening = await listenLocally(server);
  opened.push(listening);
  return { url: `${listening.url}${JWKS_PATH}`, state };
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
    const app = await protectedApp(`${await refusedUrl()}${JWKS_PATH}`);

    const answer = await getMe(app, await accessToken(key));

    expect(answer.status).toBe(503);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(answer.headers.get('www-authenticate')).toBeNull();
  });

  it('when the JWKS host answers 500 and then recovers, then 503 first and the same token verifies after', async () => {
    const key = await makeKey();
    const jwks = await startFlakyJwks(key);
    const app = await protectedApp(jwks.url);
    const token = await accessToken(key);

    expect((await getMe(app, token)).status).toBe(503);
    jwks.state.healthy = true;
    const answer = await getMe(app, token);

    expect(answer.status).toBe(200);
    expect(jwks.state.requests).toBe(2);
  });
});
