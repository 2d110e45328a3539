import { errors, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { type KeyRing, SIGNING_ALG } from '../domain/key-ring.js';

export type IdTokenClaims = {
  accountId: string;
  clientId: string;
  sessionId: string;
  /** When the user entered their password, epoch ms. */
  authTime: number;
  nonce?: string | undefined;
};

/**
 * OpenID Connect ID tokens (Core §2): ES256 with the key ring's signing key,
 * `typ: JWT` and `aud` = the client, so no verifier of access tokens
 * (`typ: at+jwt`, `aud` = the API) can take one for an access token. Profile
 * and email claims are served by userinfo only (Core §5.4, a code flow).
 */
export function createIdTokens(deps: {
  keyRing: KeyRing;
  issuer: string;
  ttlSeconds: number;
  now: () => number;
}) {
  return {
    async sign(claims: IdTokenClaims): Promise<string> {
      const { kid, key } = await deps.keyRing.signingKey();
      const issuedAt = Math.floor(deps.now() / 1000);
      return new SignJWT({
        azp: claims.clientId,
        auth_time: Math.floor(claims.authTime / 1000),
        sid: claims.sessionId,
        ...(claims.nonce !== undefined && { nonce: claims.nonce }),
      })
        .setProtectedHeader({ alg: SIGNING_ALG, kid, typ: 'JWT' })
        .setIssuer(deps.issuer)
        .setSubject(claims.accountId)
        .setAudience(claims.clientId)
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + deps.ttlSeconds)
        .sign(key);
    },

    /**
     * The claims of an ID token this issuer signed, expired or not: an
     * `id_token_hint` is usually past its `exp` by logout time, and OIDC
     * RP-Initiated Logout §2 asks the OP to accept it. Undefined when the
     * signature, issuer, algorithm or type is wrong.
     */
    async readHint(token: string): Promise<JWTPayload | undefined> {
      const options = { issuer: deps.issuer, algorithms: [SIGNING_ALG], typ: 'JWT' };
      try {
        return (await jwtVerify(token, deps.keyRing.getKey, options)).payload;
      } catch (error) {
        // jose checks the signature before the claims: an expired token's payload is authentic.
        if (error instanceof errors.JWTExpired) return error.payload;
        return undefined;
      }
    },
  };
}

export type IdTokens = ReturnType<typeof createIdTokens>;
