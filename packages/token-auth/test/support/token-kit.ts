import { randomUUID, webcrypto } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { problemErrorHandler } from '@portico/errors';
import express from 'express';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK } from 'jose';
import { callerOf, requireAuth, requireRole, requireScope, requireUser } from '../../src/index.js';
import type { TokenVerifier } from '../../src/verifier.js';

export const ISSUER = 'https://auth.portico.test';
export const AUDIENCE = 'portico';

export type SigningKey = { kid: string; privateKey: CryptoKey; publicJwk: JWK };

/** A fresh ES256 key pair, as the auth service makes one. */
export async function makeKey(kid: string = randomUUID()): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  return { kid, privateKey, publicJwk };
}

export const b64url = (value: string | Uint8Array): string =>
  Buffer.from(value).toString('base64url');

export const segment = (value: unknown): string => b64url(JSON.stringify(value));

export const now = (): number => Math.floor(Date.now() / 1000);

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

/**
 * Signs any header and payload with ES256 by hand (WebCrypto's ECDSA output is
 * already the JWS r||s form), so tests can build tokens jose refuses to sign:
 * unknown `crit`, missing `typ`, `jku` headers and so on.
 */
export async function signRaw(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  privateKey: CryptoKey,
): Promise<string> {
  const input = `${segment(header)}.${segment(payload)}`;
  const signature = await webcrypto.subtle.sign(
    { name: 'ECDSA', hash: 'SHA-256' },
    privateKey,
    new TextEncoder().encode(input),
  );
  return `${input}.${b64url(new Uint8Array(signature))}`;
}

/** A well-formed access token: ES256, `typ: at+jwt`, the key's `kid`. */
export function accessToken(
  key: SigningKey,
  claims: Record<string, unknown> = userClaims(),
  header: Record<string, unknown> = {},
): Promise<string> {
  return signRaw({ alg: 'ES256', typ: 'at+jwt', kid: key.kid, ...header }, claims, key.privateKey);
}

/** A node:http server on 127.0.0.1 port 0 that counts the requests it receives. */
export type CountingServer = {
  url: string;
  requests: string[];
  close: () => Promise<void>;
};

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Serves `/.well-known/jwks.json` from `published`, which a test may change (rotation). */
export async function startJwksServer(
  published: SigningKey[],
): Promise<CountingServer & { keys: SigningKey[]; jwksUrl: string }> {
  const requests: string[] = [];
  const keys = [...published];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url !== '/.well-known/jwks.json') {
      res.writeHead(404).end();
      return;
    }
    res
      .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=300' })
      .end(JSON.stringify({ keys: keys.map((k) => k.publicJwk) }));
  });
  const url = await listen(server);
  return {
    url,
    jwksUrl: `${url}/.well-known/jwks.json`,
    requests,
    keys,
    close: () => stop(server),
  };
}

/** A server that answers anything with `body`: the attacker's key host for `jku` / `x5u`. */
export async function startCountingServer(body: string): Promise<CountingServer> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  const url = await listen(server);
  return { url, requests, close: () => stop(server) };
}

/**
 * An express app protected by `requireAuth`, rendering errors as problems, on
 * 127.0.0.1 port 0. `maxHeaderSize` lets a test send an oversized token past
 * node's own 16 KB header limit, so the verifier itself is exercised.
 */
export async function startProtectedApp(
  verifier: TokenVerifier,
  options: { maxHeaderSize?: number } = {},
): Promise<{ url: string; close: () => Promise<void> }> {
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
  const url = await listen(server);
  return { url, close: () => stop(server) };
}
