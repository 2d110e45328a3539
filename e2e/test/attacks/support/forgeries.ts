import { createHmac, createPublicKey, randomUUID } from 'node:crypto';
import { makeKey, signRaw } from '@portico/test-kit';
import type { JWK } from 'jose';
import type { Account } from './clients.js';
import { b64, type Forge, now } from './forge.js';

/** What a forgery is built from: the live key's forge, real accounts and tokens, an attacker's host. */
export type ForgeryKit = {
  forge: Forge;
  publicJwk: JWK;
  admin: Account;
  mallory: Account;
  attackerUrl: string;
  serviceToken: (client: 'gateway' | 'order-service') => Promise<string>;
};

/** A flaw, the token that carries it, and the answers that count as a refusal. */
export type Forgery = [flaw: string, make: () => Promise<string>, refusals: number[]];

const hmacSigned = (alg: 'sha256', key: string | Buffer, header: object, payload: object) => {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac(alg, key).update(input).digest('base64url')}`;
};

/**
 * Every way we know to forge or misuse an access token (RFC 8725, the jose and
 * jsonwebtoken advisories). Each is signed with the live key unless the flaw
 * is the signature, so the flaw alone is what must be refused.
 */
export function forgeries(kit: ForgeryKit): Forgery[] {
  // `kit` is read inside each maker, not here: the table is built before the system starts.
  return [
    ...['none', 'None', 'NONE', 'nOnE'].map(
      (alg): Forgery => [
        `alg "${alg}" and no signature`,
        async () => `${b64(kit.forge.header({ alg }))}.${b64(kit.forge.claims())}.`,
        [401],
      ],
    ),
    [
      'alg "none" and a real signature of the same claims',
      async () => {
        const [, payload, signature] = (
          await kit.forge.sign(kit.forge.header(), kit.forge.claims())
        ).split('.');
        return `${b64(kit.forge.header({ alg: 'none' }))}.${payload}.${signature}`;
      },
      [401],
    ],
    [
      'no alg at all',
      () => kit.forge.sign(kit.forge.header({ alg: undefined }), kit.forge.claims()),
      [401],
    ],
    [
      'alg ES512 over an ES256 signature',
      () => kit.forge.sign(kit.forge.header({ alg: 'ES512' }), kit.forge.claims()),
      [401],
    ],
    [
      'HS256 keyed with the public key as PEM',
      async () => {
        const pem = createPublicKey({ key: kit.publicJwk as never, format: 'jwk' }).export({
          type: 'spki',
          format: 'pem',
        });
        return hmacSigned('sha256', pem, kit.forge.header({ alg: 'HS256' }), kit.forge.claims());
      },
      [401],
    ],
    [
      'HS256 keyed with the public JWK as JSON',
      async () =>
        hmacSigned(
          'sha256',
          JSON.stringify(kit.publicJwk),
          kit.forge.header({ alg: 'HS256' }),
          kit.forge.claims(),
        ),
      [401],
    ],
    [
      'a stripped signature',
      async () =>
        `${(await kit.forge.sign(kit.forge.header(), kit.forge.claims())).split('.').slice(0, 2).join('.')}.`,
      [401],
    ],
    [
      'no signature part at all',
      async () =>
        (await kit.forge.sign(kit.forge.header(), kit.forge.claims()))
          .split('.')
          .slice(0, 2)
          .join('.'),
      [401],
    ],
    [
      'an ES256 signature of zeros (r = s = 0)',
      async () =>
        `${b64(kit.forge.header())}.${b64(kit.forge.claims())}.${Buffer.alloc(64).toString('base64url')}`,
      [401],
    ],
    [
      'a user token with admin pasted into its claims',
      async () => {
        const [header, , signature] = kit.mallory.token.split('.');
        const claims = JSON.parse(
          Buffer.from(kit.mallory.token.split('.')[1]!, 'base64url').toString(),
        );
        return `${header}.${b64({ ...claims, sub: kit.admin.id, roles: ['user', 'admin'] })}.${signature}`;
      },
      [401],
    ],
    [
      "an embedded jwk of the attacker's key, with the real kid",
      async () => {
        // The attacker's own key pair, embedded in the token it signs.
        const own = await makeKey();
        return signRaw(
          kit.forge.header({ jwk: own.publicJwk }),
          kit.forge.claims(),
          own.privateKey,
        );
      },
      [401],
    ],
    [
      'an embedded jwk, signed with the real key',
      () => kit.forge.sign(kit.forge.header({ jwk: kit.publicJwk }), kit.forge.claims()),
      [401],
    ],
    [
      'a jku on another host',
      () =>
        kit.forge.sign(
          kit.forge.header({ jku: `${kit.attackerUrl}/jwks.json` }),
          kit.forge.claims(),
        ),
      [401],
    ],
    [
      'an x5u on another host',
      () =>
        kit.forge.sign(
          kit.forge.header({ x5u: `${kit.attackerUrl}/cert.pem` }),
          kit.forge.claims(),
        ),
      [401],
    ],
    [
      'a jku on another host and an unknown kid',
      () =>
        kit.forge.sign(
          kit.forge.header({ kid: randomUUID(), jku: `${kit.attackerUrl}/jwks.json` }),
          kit.forge.claims(),
        ),
      [401],
    ],
    [
      'an embedded x5c',
      () =>
        kit.forge.sign(
          kit.forge.header({ x5c: ['MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA'] }),
          kit.forge.claims(),
        ),
      [401],
    ],
    [
      'a kid with path traversal',
      () =>
        kit.forge.sign(
          kit.forge.header({ kid: '../../../../../../etc/passwd' }),
          kit.forge.claims(),
        ),
      [401],
    ],
    [
      'a kid of /dev/null',
      () => kit.forge.sign(kit.forge.header({ kid: '/dev/null' }), kit.forge.claims()),
      [401],
    ],
    [
      'a kid with SQL',
      () => kit.forge.sign(kit.forge.header({ kid: `' OR '1'='1' --` }), kit.forge.claims()),
      [401],
    ],
    [
      'a kid that is a number',
      () => kit.forge.sign(kit.forge.header({ kid: 0 }), kit.forge.claims()),
      [401],
    ],
    [
      'an expired token, beyond the skew',
      () =>
        kit.forge.sign(
          kit.forge.header(),
          kit.forge.claims({ iat: now() - 900, exp: now() - 120 }),
        ),
      [401],
    ],
    [
      'nbf in the future, beyond the skew',
      () => kit.forge.sign(kit.forge.header(), kit.forge.claims({ nbf: now() + 120 })),
      [401],
    ],
    [
      'iat an hour in the future, beyond the skew',
      () =>
        kit.forge.sign(
          kit.forge.header(),
          kit.forge.claims({ iat: now() + 3600, exp: now() + 3900 }),
        ),
      [401],
    ],
    [
      'exp centuries away (a signed token for ever)',
      () =>
        kit.forge.sign(kit.forge.header(), kit.forge.claims({ exp: now() + 300 * 365 * 86_400 })),
      [401],
    ],
    [
      'no exp (a token for ever)',
      () => kit.forge.sign(kit.forge.header(), kit.forge.claims({ exp: undefined })),
      [401],
    ],
    [
      'no sub',
      () => kit.forge.sign(kit.forge.header(), kit.forge.claims({ sub: undefined })),
      [401],
    ],
    [
      'a wrong issuer',
      () => kit.forge.sign(kit.forge.header(), kit.forge.claims({ iss: 'https://evil.example' })),
      [401],
    ],
    [
      'a wrong audience',
      () => kit.forge.sign(kit.forge.header(), kit.forge.claims({ aud: 'another-api' })),
      [401],
    ],
    [
      'an audience list without ours',
      () => kit.forge.sign(kit.forge.header(), kit.forge.claims({ aud: ['a', 'b'] })),
      [401],
    ],
    ['typ JWT', () => kit.forge.sign(kit.forge.header({ typ: 'JWT' }), kit.forge.claims()), [401]],
    [
      // An OpenID Connect ID token is signed by the same key: its typ and aud must keep it out.
      'an ID token (typ JWT, aud the OAuth client) presented as an access token',
      () =>
        kit.forge.sign(
          kit.forge.header({ typ: 'JWT' }),
          kit.forge.claims({
            aud: 'portico-demo',
            azp: 'portico-demo',
            nonce: 'n',
            auth_time: now(),
            sid: randomUUID(),
          }),
        ),
      [401],
    ],
    [
      'an at+jwt whose aud is an OAuth client instead of the API',
      () =>
        kit.forge.sign(
          kit.forge.header(),
          kit.forge.claims({ aud: 'portico-demo', azp: 'portico-demo' }),
        ),
      [401],
    ],
    [
      'no typ',
      () => kit.forge.sign(kit.forge.header({ typ: undefined }), kit.forge.claims()),
      [401],
    ],
    [
      'typ of a refresh token',
      () => kit.forge.sign(kit.forge.header({ typ: 'rt+jwt' }), kit.forge.claims()),
      [401],
    ],
    [
      'an unknown crit header',
      () =>
        kit.forge.sign(
          kit.forge.header({ crit: ['x-portico'], 'x-portico': 1 }),
          kit.forge.claims(),
        ),
      [401],
    ],
    [
      'crit b64 false (an unencoded payload)',
      () => kit.forge.sign(kit.forge.header({ crit: ['b64'], b64: false }), kit.forge.claims()),
      [401],
    ],
    [
      'an empty crit list',
      () => kit.forge.sign(kit.forge.header({ crit: [] }), kit.forge.claims()),
      [401],
    ],
    [
      'a duplicate aud whose last value is wrong',
      () => {
        const claims = JSON.stringify(kit.forge.claims());
        return kit.forge.sign(kit.forge.header(), `${claims.slice(0, -1)},"aud":"another-api"}`);
      },
      [401],
    ],
    [
      'a duplicate exp whose last value is past',
      () => {
        const claims = JSON.stringify(kit.forge.claims());
        return kit.forge.sign(kit.forge.header(), `${claims.slice(0, -1)},"exp":${now() - 600}}`);
      },
      [401],
    ],
    [
      'a duplicate alg whose last value is none',
      () => {
        const header = JSON.stringify(kit.forge.header());
        return kit.forge.sign(`${header.slice(0, -1)},"alg":"none"}`, kit.forge.claims());
      },
      [401],
    ],
    ['a refresh token', async () => kit.admin.refresh, [401]],
    ["the gateway's service token", () => kit.serviceToken('gateway'), [401, 403]],
    ["order-service's service token", () => kit.serviceToken('order-service'), [401, 403]],
    [
      'a 10 KB token (under the header limit)',
      async () => `${b64(kit.forge.header())}.${'A'.repeat(10_240)}.sig`,
      [401],
    ],
  ];
}
