import { randomUUID } from 'node:crypto';
import { signRaw } from '@portico/test-kit';
import type { KeyRing } from '../../../../auth-service/src/domain/key-ring.js';

/** The auth service's defaults (TOKEN_ISSUER, TOKEN_AUDIENCE), which the system under attack keeps. */
export const ISSUER = 'http://127.0.0.1:8080';
export const AUDIENCE = 'portico-api';

export const b64 = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
export const now = () => Math.floor(Date.now() / 1000);

export type Forge = {
  kid: string;
  /** Claims of a valid admin access token for `sub`, with `overrides` on top (undefined drops one). */
  claims: (overrides?: Record<string, unknown>) => Record<string, unknown>;
  header: (overrides?: Record<string, unknown>) => Record<string, unknown>;
  /**
   * Signs header and payload, given as objects or as raw JSON text (for
   * duplicate members), with the auth service's live ES256 key.
   */
  sign: (
    header: Record<string, unknown> | string,
    payload: Record<string, unknown> | string,
  ) => Promise<string>;
};

/**
 * Forgeries signed with the real key: each one must be refused for the flaw it
 * carries, since its signature is good. `forge.sign(forge.header(), forge.claims())`
 * is a valid token, the control that proves the refusals mean something.
 */
export async function forgeWith(keys: KeyRing, sub: string): Promise<Forge> {
  const { kid, key } = await keys.signingKey();
  const drop = (o: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  return {
    kid,
    claims: (overrides = {}) =>
      drop({
        iss: ISSUER,
        aud: AUDIENCE,
        sub,
        jti: randomUUID(),
        iat: now() - 1,
        exp: now() + 300,
        roles: ['user', 'admin'],
        ...overrides,
      }),
    header: (overrides = {}) => drop({ alg: 'ES256', typ: 'at+jwt', kid, ...overrides }),
    sign: (header, payload) => signRaw(header, payload, key),
  };
}
