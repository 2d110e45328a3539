import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { type KeyRing, SIGNING_ALG } from './key-ring.js';

export type TokenSettings = {
  issuer: string;
  audience: string;
  accessTtlSeconds: number;
  serviceTtlSeconds: number;
  /**
   * The subject's latest "sign out everywhere" (NumericDate). Tokens issued at
   * or before it are refused, and `iat` has whole seconds: a token issued in
   * that same second is stamped the next one, so a login right after a
   * sign-out works.
   */
  signedOutBefore?: (subject: string) => number | undefined;
};

/** Signs RFC 9068 access tokens (`typ: at+jwt`) for users and for service clients. */
export function createTokenIssuer(keys: KeyRing, settings: TokenSettings, now: () => number) {
  async function sign(
    claims: Record<string, unknown>,
    subject: string,
    ttlSeconds: number,
  ): Promise<string> {
    const { kid, key } = await keys.signingKey();
    const cutOff = settings.signedOutBefore?.(subject);
    const issuedAt = Math.max(Math.floor(now() / 1000), cutOff === undefined ? 0 : cutOff + 1);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: SIGNING_ALG, kid, typ: 'at+jwt' })
      .setIssuer(settings.issuer)
      .setAudience(settings.audience)
      .setSubject(subject)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + ttlSeconds)
      .setJti(randomUUID())
      .sign(key);
  }

  return {
    accessTtlSeconds: settings.accessTtlSeconds,
    serviceTtlSeconds: settings.serviceTtlSeconds,
    /** `sessionId` is the refresh family the token belongs to (`sid`), so a session can be revoked. */
    /**
     * `client`: the OAuth client the token was issued to, named in `azp` (not
     * `client_id`, which marks a service token to every verifier), with its scopes.
     */
    forUser: (
      accountId: string,
      roles: readonly string[],
      sessionId: string,
      client?: { clientId: string; scope: string },
    ) =>
      sign(
        { roles, sid: sessionId, ...(client && { azp: client.clientId, scope: client.scope }) },
        accountId,
        settings.accessTtlSeconds,
      ),
    forService: (clientId: string, scopes: readonly string[]) =>
      sign({ client_id: clientId, scope: scopes.join(' ') }, clientId, settings.serviceTtlSeconds),
  };
}

export type TokenIssuer = ReturnType<typeof createTokenIssuer>;
