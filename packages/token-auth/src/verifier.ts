import { ServiceUnavailableError } from '@portico/errors';
import { createRemoteJWKSet, errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import type { Caller } from './caller.js';

export type VerifierOptions = {
  /** The auth service's `/.well-known/jwks.json`; every service but the auth service uses this. */
  jwksUrl?: string;
  /** A key source that is already in the process (the auth service's own key ring). */
  getKey?: JWTVerifyGetKey;
  issuer: string;
  audience: string;
  /** Accepted clock difference with the issuer, in seconds. */
  clockToleranceSeconds?: number;
  /** How long an unknown `kid` waits before the key set is fetched again. */
  cooldownMs?: number;
};

/** Why a token was refused; the message is safe to show the client. */
export class InvalidTokenError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvalidTokenError';
  }
}

export type TokenVerifier = {
  verify: (token: string) => Promise<Caller>;
};

const ALGORITHMS = ['ES256'];
/** Header members that name a key or where to fetch one: attacker input (RFC 8725 §3.10). */
const KEY_HEADERS = ['jwk', 'jku', 'x5u', 'x5c'];
const MAX_TOKEN_LENGTH = 8192;

function decodeHeader(token: string): Record<string, unknown> {
  try {
    const header = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8'));
    if (header && typeof header === 'object' && !Array.isArray(header)) return header;
  } catch {
    // Falls through to the refusal below.
  }
  throw new InvalidTokenError('The token is malformed.');
}

function callerFrom(payload: JWTPayload): Caller {
  const { sub, jti, exp } = payload;
  if (typeof sub !== 'string' || typeof jti !== 'string' || typeof exp !== 'number') {
    throw new InvalidTokenError('The token lacks required claims.');
  }
  if (typeof payload.client_id === 'string') {
    const scope = typeof payload.scope === 'string' ? payload.scope : '';
    return {
      kind: 'service',
      sub,
      clientId: payload.client_id,
      scopes: scope.split(' ').filter(Boolean),
      jti,
      exp,
    };
  }
  const roles = Array.isArray(payload.roles)
    ? payload.roles.filter((r): r is string => typeof r === 'string')
    : [];
  return { kind: 'user', sub, roles, jti, exp };
}

function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'The token has expired.';
  if (error instanceof errors.JWTClaimValidationFailed)
    return `The token's "${error.claim}" claim is not accepted.`;
  if (error instanceof errors.JWKSNoMatchingKey) return 'The token was signed by an unknown key.';
  if (error instanceof errors.JOSEAlgNotAllowed)
    return 'The token is signed with an algorithm that is not accepted.';
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return 'The token signature is invalid.';
  return 'The token is invalid.';
}

function remoteKeys(options: VerifierOptions): JWTVerifyGetKey {
  if (!options.jwksUrl) throw new Error('createTokenVerifier needs jwksUrl or getKey');
  const remote = createRemoteJWKSet(new URL(options.jwksUrl), {
    cooldownDuration: options.cooldownMs ?? 30_000,
    timeoutDuration: 5_000,
  });
  // A key set that cannot be fetched says nothing about the token: answer 503,
  // not `invalid_token`, or clients would discard tokens that are fine.
  return async (header, token) => {
    try {
      return await remote(header, token);
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey) throw error;
      if (error instanceof errors.JWKSMultipleMatchingKeys) throw error;
      throw new ServiceUnavailableError(
        'The key set of the auth service is unavailable.',
        'AUTH_KEYS_UNAVAILABLE',
        5,
        error,
      );
    }
  };
}

/**
 * Verifies access tokens against the auth service's JWKS. One instance per
 * process: its remote key set caches keys and refetches on an unknown `kid`
 * at most once per cooldown, so a flood of random `kid`s cannot hammer the issuer.
 */
export function createTokenVerifier(options: VerifierOptions): TokenVerifier {
  const keys = options.getKey ?? remoteKeys(options);
  return {
    async verify(token) {
      if (token.length > MAX_TOKEN_LENGTH) throw new InvalidTokenError('The token is too long.');
      const header = decodeHeader(token);
      if (KEY_HEADERS.some((name) => name in header)) {
        throw new InvalidTokenError('The token names its own key; that is not accepted.');
      }
      try {
        const { payload } = await jwtVerify(token, keys, {
          algorithms: ALGORITHMS,
          issuer: options.issuer,
          audience: options.audience,
          typ: 'at+jwt',
          clockTolerance: options.clockToleranceSeconds ?? 30,
          requiredClaims: ['exp', 'iat', 'sub', 'jti'],
        });
        return callerFrom(payload);
      } catch (error) {
        if (error instanceof InvalidTokenError || error instanceof ServiceUnavailableError) {
          throw error;
        }
        throw new InvalidTokenError(describe(error), { cause: error });
      }
    },
  };
}
