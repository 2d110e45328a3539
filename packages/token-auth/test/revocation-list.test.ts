import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from '@jest/globals';
import { makeKey, now } from '@portico/test-kit';
import express from 'express';
import type { JWTVerifyGetKey } from 'jose';
import request from 'supertest';
import {
  type Caller,
  createRevocationList,
  createTokenVerifier,
  InvalidTokenError,
  type RevocationList,
  requireAuth,
} from '../src/index.js';
import { AUDIENCE, accessToken, ISSUER, userClaims } from './support/token-kit.js';

const lists: RevocationList[] = [];
afterEach(() => {
  for (const list of lists.splice(0)) list.close();
});

/** A list on a clock the test moves (epoch ms). */
function listAt(clock: { ms: number }, options: { maxEntries?: number } = {}) {
  const list = createRevocationList({
    now: () => clock.ms,
    sweepIntervalMs: 3_600_000,
    ...options,
  });
  lists.push(list);
  return list;
}

const user = (overrides: Partial<Extract<Caller, { kind: 'user' }>> = {}): Caller => ({
  kind: 'user',
  sub: 'account-1',
  roles: ['user'],
  sid: 'session-1',
  jti: randomUUID(),
  iat: now() - 10,
  exp: now() + 290,
  ...overrides,
});

describe('the revocation list', () => {
  it('when an access token is revoked, then that token is refused and another of the same session is not', () => {
    const list = listAt({ ms: Date.now() });
    const revoked = user();
    list.apply({
      type: 'token.revoked',
      data: { jti: revoked.jti, accountId: 'account-1', expiresAt: now() + 300 },
    });
    expect(list.isRevoked(revoked)).toBe(true);
    expect(list.isRevoked(user())).toBe(false);
  });

  it('when a session is revoked, then every token of that session is refused, and other sessions pass', () => {
    const list = listAt({ ms: Date.now() });
    list.apply({
      type: 'session.revoked',
      data: { sessionId: 'session-1', accountId: 'account-1', expiresAt: now() + 300 },
    });
    expect(list.isRevoked(user())).toBe(true);
    expect(list.isRevoked(user({ jti: randomUUID() }))).toBe(true);
    expect(list.isRevoked(user({ sid: 'session-2' }))).toBe(false);
  });

  it('when an account signs out everywhere, then its tokens issued until then are refused and later ones pass', () => {
    const list = listAt({ ms: Date.now() });
    const before = now();
    list.apply({
      type: 'account.signed_out',
      data: { accountId: 'account-1', before, expiresAt: before + 330 },
    });
    expect(list.isRevoked(user({ iat: before - 60, sid: 'a' }))).toBe(true);
    expect(list.isRevoked(user({ iat: before, sid: 'b' }))).toBe(true);
    expect(list.isRevoked(user({ iat: before + 1, sid: 'c' }))).toBe(false);
    expect(list.isRevoked(user({ sub: 'account-2', iat: before - 60 }))).toBe(false);
    expect(list.signedOutBefore('account-1')).toBe(before);
    expect(list.signedOutBefore('account-2')).toBeUndefined();
  });

  it('when entries reach their expiry, then the sweep drops them', async () => {
    const clock = { ms: Date.now() };
    const list = createRevocationList({ now: () => clock.ms, sweepIntervalMs: 5 });
    lists.push(list);
    const token = user();
    const at = Math.floor(clock.ms / 1000);
    list.load({
      tokens: [{ jti: token.jti, accountId: 'account-1', expiresAt: at + 60 }],
      sessions: [{ sessionId: 's', accountId: 'account-2', expiresAt: at + 120 }],
      signOuts: [{ accountId: 'account-3', before: at, expiresAt: at + 60 }],
    });
    expect(list.size).toBe(3);

    clock.ms += 61_000;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(list.size).toBe(1);
    expect(list.isRevoked(user({ sub: 'account-2', sid: 's' }))).toBe(true);

    // An entry that has already expired is not even added.
    list.apply({ type: 'token.revoked', data: { jti: 'x', accountId: 'a', expiresAt: at + 10 } });
    expect(list.size).toBe(1);
  });

  it('when the list is full, then the oldest entries go first and the bound holds', () => {
    const at = now();
    let overflows = 0;
    const list = createRevocationList({ maxEntries: 3, onOverflow: () => (overflows += 1) });
    lists.push(list);
    for (let i = 0; i < 5; i += 1) {
      list.apply({
        type: 'token.revoked',
        data: { jti: `jti-${i}`, accountId: `account-${i}`, expiresAt: at + 300 },
      });
    }
    expect(list.size).toBe(3);
    expect(overflows).toBe(2);
    expect(list.isRevoked(user({ sub: 'account-4', jti: 'jti-4' }))).toBe(true);
    expect(list.isRevoked(user({ sub: 'account-0', jti: 'jti-0' }))).toBe(false);
  });

  it('when an event is malformed or of another type, then it is ignored', () => {
    const list = listAt({ ms: Date.now() });
    for (const event of [
      { type: 'token.revoked', data: null },
      { type: 'token.revoked', data: { jti: 7, accountId: 'a', expiresAt: now() + 60 } },
      { type: 'token.revoked', data: { jti: 'j', accountId: '', expiresAt: now() + 60 } },
      { type: 'session.revoked', data: { sessionId: 's', accountId: 'a', expiresAt: 'soon' } },
      { type: 'account.signed_out', data: { accountId: 'a', expiresAt: now() + 60 } },
      { type: 'user.registered', data: { id: 'a' } },
    ]) {
      list.apply(event);
    }
    expect(list.size).toBe(0);
  });

  it('when nothing is revoked for an account, then a check allocates nothing and stays cheap', () => {
    const list = listAt({ ms: Date.now() });
    list.apply({
      type: 'session.revoked',
      data: { sessionId: 's', accountId: 'someone-else', expiresAt: now() + 300 },
    });
    const caller = user();
    let refused = 0;
    for (let i = 0; i < 100_000; i += 1) if (list.isRevoked(caller)) refused += 1;
    expect(refused).toBe(0);
  });
});

describe('a verifier with a revocation list', () => {
  async function setup() {
    const key = await makeKey();
    const getKey: JWTVerifyGetKey = async () => key.publicJwk;
    const list = listAt({ ms: Date.now() });
    const verifier = createTokenVerifier({
      getKey,
      issuer: ISSUER,
      audience: AUDIENCE,
      revocations: list,
    });
    return { key, list, verifier };
  }

  it('when a token it has cached is revoked, then cached() forgets it and verify() refuses it', async () => {
    const { key, list, verifier } = await setup();
    const claims = userClaims({ sid: 'session-9' });
    const token = await accessToken(key, claims);
    await verifier.verify(token);
    expect(verifier.cached(token)).toMatchObject({ sub: claims.sub });

    list.apply({
      type: 'session.revoked',
      data: { sessionId: 'session-9', accountId: claims.sub, expiresAt: now() + 300 },
    });

    expect(verifier.cached(token)).toBeUndefined();
    await expect(verifier.verify(token)).rejects.toThrow(
      new InvalidTokenError('The token has been revoked.'),
    );
  });

  it('when requireAuth meets a revoked token, then 401 INVALID_TOKEN with an invalid_token challenge', async () => {
    const { key, list, verifier } = await setup();
    const claims = userClaims();
    const token = await accessToken(key, claims);
    const app = express();
    app.get('/me', requireAuth(verifier), (req, res) => {
      res.json(req.caller);
    });
    app.use(((err, _req, res, _next) => {
      res
        .status(err.status ?? 500)
        .set(err.headers ?? {})
        .json({ code: err.code });
    }) as express.ErrorRequestHandler);

    expect((await request(app).get('/me').set('authorization', `Bearer ${token}`)).status).toBe(
      200,
    );
    list.apply({
      type: 'token.revoked',
      data: { jti: claims.jti, accountId: claims.sub, expiresAt: now() + 300 },
    });
    const refused = await request(app).get('/me').set('authorization', `Bearer ${token}`);
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual({ code: 'INVALID_TOKEN' });
    expect(refused.headers['www-authenticate']).toMatch(
      /^Bearer realm="portico", error="invalid_token"/,
    );
  });
});
