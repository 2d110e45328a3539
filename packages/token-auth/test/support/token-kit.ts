import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { problemErrorHandler } from '@portico/errors';
import {
  type Listening,
  listenLocally,
  now,
  type SigningKey,
  accessToken as signAccessToken,
} from '@portico/test-kit';
import express from 'express';
import { callerOf, requireAuth, requireRole, requireScope, requireUser } from '../../src/index.js';
import type { TokenVerifier } from '../../src/verifier.js';

export const ISSUER = 'https://auth.portico.test';
export const AUDIENCE = 'portico';

/** The claims of a valid user access token, one second old, valid for five minutes. */
export function userClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const iat = now() - 1;
  return {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: randomUUID(),
    jti: randomUUID(),
    iat,
    exp: iat + 300,
    roles: ['user'],
    ...overrides,
  };
}

/** The claims of a valid service (client_credentials) token. */
export function serviceClaims(
  scope: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const { roles: _roles, ...claims } = userClaims({ sub: 'order-service', ...overrides });
  return { ...claims, client_id: 'order-service', scope };
}

/** An access token for this suite's issuer and audience; a valid user's unless `claims` say otherwise. */
export function accessToken(
  key: SigningKey,
  claims: Record<string, unknown> = userClaims(),
  header: Record<string, unknown> = {},
): Promise<string> {
  return signAccessToken(key, claims, header);
}

/**
 * An express app protected by `requireAuth`, rendering errors as problems, on
 * 127.0.0.1 port 0. `maxHeaderSize` lets a test send an oversized token past
 * node's own 16 KB header limit, so the verifier itself is exercised.
 */
export async function startProtectedApp(
  verifier: TokenVerifier,
  options: { maxHeaderSize?: number } = {},
): Promise<Listening> {
  const app = express();
  const auth = requireAuth(verifier);
  app.get('/me', auth, (req, res) => {
    res.json(callerOf(req));
  });
  app.get('/admin', auth, requireRole('admin'), (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/profile', auth, requireUser, (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/internal/users', auth, requireScope('users:read'), (_req, res) => {
    res.json({ ok: true });
  });
  app.use(problemErrorHandler({ error() {} }));
  const server = createServer({ maxHeaderSize: options.maxHeaderSize ?? 16 * 1024 }, app);
  return listenLocally(server);
}
