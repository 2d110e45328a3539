import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { makeKey, type SigningKey, startJwksServer } from '@portico/test-kit';
import { createTokenVerifier } from '../src/index.js';
import {
  AUDIENCE,
  accessToken,
  ISSUER,
  serviceClaims,
  startProtectedApp,
  userClaims,
} from './support/token-kit.js';

let signing: SigningKey;
let jwks: Awaited<ReturnType<typeof startJwksServer>>;
let app: Awaited<ReturnType<typeof startProtectedApp>>;

beforeAll(async () => {
  signing = await makeKey();
  jwks = await startJwksServer([signing]);
  app = await startProtectedApp(
    createTokenVerifier({ jwksUrl: jwks.jwksUrl, issuer: ISSUER, audience: AUDIENCE }),
  );
});

afterAll(async () => {
  await app.close();
  await jwks.close();
});

async function get(path: string, claims: Record<string, unknown>) {
  const token = await accessToken(signing, claims);
  const res = await fetch(`${app.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return {
    status: res.status,
    headers: res.headers,
    body: (await res.json()) as Record<string, unknown>,
  };
}

const user = (roles: string[]) => userClaims({ roles });

describe('requireRole("admin")', () => {
  it('when the user holds the admin role, then 200', async () => {
    expect((await get('/admin', user(['user', 'admin']))).status).toBe(200);
  });

  it('when the user lacks the role, then 403 problem ROLE_REQUIRED', async () => {
    const answer = await get('/admin', user(['user']));
    expect(answer.status).toBe(403);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({
      type: 'urn:portico:problem:role-required',
      title: 'Forbidden',
      status: 403,
      code: 'ROLE_REQUIRED',
    });
  });

  it('when the user has no roles claim, then 403', async () => {
    expect((await get('/admin', userClaims({ roles: undefined }))).status).toBe(403);
  });

  it('when roles is a string rather than a list, then 403', async () => {
    expect((await get('/admin', userClaims({ roles: 'admin' }))).status).toBe(403);
  });

  it('when a service token carries an admin role claim, then 403 all the same', async () => {
    const answer = await get('/admin', { ...serviceClaims('users:read'), roles: ['admin'] });
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ code: 'ROLE_REQUIRED' });
  });
});

describe('requireUser', () => {
  it('when a user token is presented, then 200', async () => {
    expect((await get('/profile', user(['user']))).status).toBe(200);
  });

  it('when a service token is presented, then 403 USER_TOKEN_REQUIRED', async () => {
    const answer = await get('/profile', serviceClaims('users:read'));
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ code: 'USER_TOKEN_REQUIRED' });
  });
});

describe('requireScope("users:read")', () => {
  it('when a service token has the scope among others, then 200', async () => {
    expect((await get('/internal/users', serviceClaims('orders:write users:read'))).status).toBe(
      200,
    );
  });

  it('when a service token lacks the scope, then 403 with an insufficient_scope challenge', async () => {
    const answer = await get('/internal/users', serviceClaims('orders:write'));
    expect(answer.status).toBe(403);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({ status: 403, code: 'SCOPE_REQUIRED' });
    expect(answer.headers.get('www-authenticate')).toBe(
      'Bearer error="insufficient_scope", scope="users:read"',
    );
  });

  it('when a scope only shares a prefix with the one needed, then 403', async () => {
    expect((await get('/internal/users', serviceClaims('users:read-all users'))).status).toBe(403);
  });

  it('when a user token is presented, even by an admin, then 403', async () => {
    const answer = await get('/internal/users', user(['user', 'admin']));
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ code: 'SCOPE_REQUIRED' });
  });

  it('when a user token carries a scope claim but no client_id, then 403', async () => {
    expect((await get('/internal/users', userClaims({ scope: 'users:read' }))).status).toBe(403);
  });
});
