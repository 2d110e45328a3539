import { randomUUID, webcrypto } from 'node:crypto';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK } from 'jose';

/** An ES256 key pair as the auth service makes one, its public half as the JWKS lists it. */
export type SigningKey = { kid: string; privateKey: CryptoKey; publicJwk: JWK };

/** A fresh ES256 signing key. */
export async function makeKey(kid: string = randomUUID()): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  return { kid, privateKey, publicJwk };
}

export const b64url = (value: string | Uint8Array): string =>
  Buffer.from(value).toString('base64url');

/** One JWS segment: `value` as base64url JSON. */
export const segment = (value: unknown): string => b64url(JSON.stringify(value));

/** Seconds since the epoch, as JWT claims count time. */
export const now = (): number => Math.floor(Date.now() / 1000);

/** A JWS part: an object as JSON, or a string taken as JSON text already (duplicate members, say). */
const part = (value: Record<string, unknown> | string): string =>
  typeof value === 'string' ? b64url(value) : segment(value);

/**
 * Signs any header and payload with ES256 by hand (WebCrypto's ECDSA output is
 * already the JWS r||s form), so tests can build tokens jose refuses to sign:
 * unknown `crit`, missing `typ`, `jku` headers, raw JSON text and so on.
 */
export async function signRaw(
  header: Record<string, unknown> | string,
  payload: Record<string, unknown> | string,
  privateKey: CryptoKey,
): Promise<string> {
  const input = `${part(header)}.${part(payload)}`;
  const signature = await webcrypto.subtle.sign(
    { name: 'ECDSA', hash: 'SHA-256' },
    privateKey,
    new TextEncoder().encode(input),
  );
  return `${input}.${b64url(new Uint8Array(signature))}`;
}

/**
 * An access token as the auth service signs one: ES256, `typ: at+jwt`, the
 * key's `kid`. Any ES256 private key with a kid will do (the auth service's own, say).
 */
export function accessToken(
  key: Pick<SigningKey, 'kid' | 'privateKey'>,
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
): Promise<string> {
  return signRaw({ alg: 'ES256', typ: 'at+jwt', kid: key.kid, ...header }, claims, key.privateKey);
}
