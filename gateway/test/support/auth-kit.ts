import { randomUUID, webcrypto } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

/** The gateway's defaults (TOKEN_ISSUER, TOKEN_AUDIENCE), so tests need not set them. */
export const ISSUER = 'http://127.0.0.1:8080';
export const AUDIENCE = 'portico-api';

/**
 * Stands in for the auth service at the gateway's edge: one ES256 key, its
 * JWKS, user tokens, and the client-credentials endpoint the gateway logs in with.
 */
export type AuthKit = {
  kid: string;
  /** The public key as the JWKS publishes it (for HS256-with-the-public-key forgeries). */
  publicJwk: JWK;
  userToken: (sub?: string, claims?: Record<string, unknown>) => Promise<string>;
  /** Signs any header and payload with the kit's key (ES256), for tokens jose refuses to make. */
  signRaw: (header: Record<string, unknown>, payload: Record<string, unknown>) => Promise<string>;
  serviceToken: (clientId: string, scope: string) => Promise<string>;
  /** Serves `/.well-known/jwks.json` and `POST /api/v1/auth/token`; 404 otherwise. */
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  jwksFetches: () => number;
};

export async function createAuthKit(): Promise<AuthKit> {
  const kid = randomUUID();
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  let fetches = 0;

  const sign = (claims: Record<string, unknown>, sub: string, key: CryptoKey = privateKey) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(sub)
      .setIssuedAt()
      .setExpirationTime('5m')
      .setJti(randomUUID())
      .sign(key);

  const serviceToken = (clientId: string, scope: string) =>
    sign({ client_id: clientId, scope }, clientId);

  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return {
    kid,
    publicJwk: jwk,
    signRaw: async (header, payload) => {
      const input = `${b64(header)}.${b64(payload)}`;
      const signature = await webcrypto.subtle.sign(
        { name: 'ECDSA', hash: 'SHA-256' },
        privateKey,
        new TextEncoder().encode(input),
      );
      return `${input}.${Buffer.from(signature).toString('base64url')}`;
    },
    userToken: (sub = randomUUID(), claims = {}) => sign({ roles: ['user'], ...claims }, sub),
    serviceToken,
    jwksFetches: () => fetches,
    handler: async (req, res) => {
      if (req.method === 'GET' && req.url === '/.well-known/jwks.json') {
        fetches += 1;
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ keys: [jwk] }));
        return;
      }
      if (req.method === 'POST' && req.url === '/api/v1/auth/token') {
        const token = await serviceToken('gateway', 'users:read');
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            access_token: token,
            token_type: 'Bearer',
            expires_in: 300,
            scope: 'users:read',
          }),
        );
        return;
      }
      res.writeHead(404).end();
    },
  };
}
