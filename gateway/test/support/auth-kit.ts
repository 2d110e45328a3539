import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { accessToken, JWKS_PATH, jwksDocument, makeKey, now, signRaw } from '@portico/test-kit';
import type { JWK } from 'jose';

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
  const key = await makeKey();
  let fetches = 0;

  const sign = (claims: Record<string, unknown>, sub: string) => {
    const iat = now();
    return accessToken(key, {
      ...claims,
      iss: ISSUER,
      aud: AUDIENCE,
      sub,
      iat,
      exp: iat + 300,
      jti: randomUUID(),
    });
  };

  const serviceToken = (clientId: string, scope: string) =>
    sign({ client_id: clientId, scope }, clientId);

  return {
    kid: key.kid,
    publicJwk: key.publicJwk,
    signRaw: (header, payload) => signRaw(header, payload, key.privateKey),
    userToken: (sub = randomUUID(), claims = {}) => sign({ roles: ['user'], ...claims }, sub),
    serviceToken,
    jwksFetches: () => fetches,
    handler: async (req, res) => {
      if (req.method === 'GET' && req.url === JWKS_PATH) {
        fetches += 1;
        res.writeHead(200, { 'content-type': 'application/json' }).end(jwksDocument([key]));
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
