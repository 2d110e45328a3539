import { hash } from 'node:crypto';
import { ServiceUnavailableError } from '@portico/errors';
import { createRemoteJWKSet, errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { LRUCache } from 'lru-cache';
import type { Caller } from './caller.js';
import { TOKEN_AUTH_ERRORS } from './errors.js';
import type { RevocationList } from './revocation-list.js';

export type VerifierOptions = {
  /** The auth service's `/.well-known/jwks.json`; every service but the auth service uses this. */
  jwksUrl?: string;
  /** A key source that is already in the process (the auth service's own key ring). */
  getKey?: JWTVerifyGetKey;
  issuer: string;
  audience: string;
  /** Accepted clock difference with the issuer, in seconds. */
  clockToleranceSeconds?: number;
  /**
   * The longest a token may live: older than this since its `iat`, or issued
   * for longer (`exp - iat`), it is refused. 24 h by default, well above any
   * Portico access or service token (900 s and 600 s by default).
   */
  maxTokenAgeSeconds?: number;
  /** How long an unknown `kid` waits before the key set is fetched again. */
  cooldownMs?: number;
  /** How many verified tokens to remember (by hash); 10 000 by default, 0 for none. */
  cacheMaxEntries?: number;
  /**
   * How long a verified token is remembered at most (and never past its `exp`):
   * the longest a token keeps working here after its key is pulled from the
   * key set in an emergency. 60 s by default.
   */
  cacheMaxAgeMs?: number;
  /**
   * Tokens revoked before their `exp` (RFC 7009), refused on every call,
   * remembered or not: `followRevocations` in @portico/events keeps one current.
   */
  revocations?: RevocationList;
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
  /**
   * The caller of a token this verifier accepted before and that has not
   * expired, at once and without any cryptography; undefined otherwise.
   */
  cached: (token: string) => Caller | undefined;
};

const ALGORITHMS = ['ES256'];
/** Header members that name a key or where to fetch one: attacker input (RFC 8725 §3.10). */
const KEY_HEADERS = ['jwk', 'jku', 'x5u', 'x5c'];
const MAX_TOKEN_LENGTH = 8192;
const DEFAULT_MAX_TOKEN_AGE_SECONDS = 24 * 60 * 60;

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
  const { sub, jti, iat, exp } = payload;
  if (
    typeof sub !== 'string' ||
    typeof jti !== 'string' ||
    typeof iat !== 'number' ||
    typeof exp !== 'number'
  ) {
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
      iat,
      exp,
    };
  }
  const roles = Array.isArray(payload.roles)
    ? payload.roles.filter((r): r is string => typeof r === 'string')
    : [];
  const sid = typeof payload.sid === 'string' ? { sid: payload.sid } : {};
  return { kind: 'user', sub, roles, ...sid, jti, iat, exp };
}

function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired && error.claim === 'iat') return 'The token is too old.';
  if (error instanceof errors.JWTExpired) return 'The token has expired.';
  if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'iat')
    return 'The token is issued in the future.';
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
        TOKEN_AUTH_ERRORS.AUTH_KEYS_UNAVAILABLE.code,
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
 *
 * A verified token is remembered by its SHA-256 (never the token itself) for
 * up to a minute and never past its `exp`, so a client's every request does
 * not pay for an ES256 check (the largest share of a service's per-request CPU
 * after its own work). Verification is a pure function of the token, the clock
 * and the keys, and a rotated-out key stays published for longer than any
 * access token it signed lives, so the answer only changes early when a key is
 * pulled in an emergency: then within `cacheMaxAgeMs`. Refusals are not remembered.
 */
export function createTokenVerifier(options: VerifierOptions): TokenVerifier {
  const keys = options.getKey ?? remoteKeys(options);
  const { revocations } = options;
  const unlessRevoked = (caller: Caller): Caller => {
    if (revocations?.isRevoked(caller)) throw new InvalidTokenError('The token has been revoked.');
    return caller;
  };
  const maxEntries = options.cacheMaxEntries ?? 10_000;
  const maxAgeMs = options.cacheMaxAgeMs ?? 60_000;
  const verified =
    maxEntries > 0 && maxAgeMs > 0 ? new LRUCache<string, Caller>({ max: maxEntries }) : undefined;
  // One-shot `hash`: a `createHash` object per request costs ~0.4 µs more (measured).
  const keyOf = (token: string) => hash('sha256', token, 'base64url');
  const maxTokenAge = options.maxTokenAgeSeconds ?? DEFAULT_MAX_TOKEN_AGE_SECONDS;

  async function verifySignature(token: string): Promise<Caller> {
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
        // jose refuses an `iat` older than this or later than now (past the
        // tolerance); the lifetime it was issued for is ours to bound: a
        // stolen key or a bug must not mint tokens that work for centuries.
        maxTokenAge,
      });
      if (payload.exp! - payload.iat! > maxTokenAge)
        throw new InvalidTokenError('The token is issued for longer than is accepted.');
      return callerFrom(payload);
    } catch (error) {
      if (error instanceof InvalidTokenError || error instanceof ServiceUnavailableError) {
        throw error;
      }
      throw new InvalidTokenError(describe(error), { cause: error });
    }
  }

  return {
    // A revoked token is never answered from the cache: `verify` refuses it with the reason.
    cached(token) {
      if (!verified || token.length > MAX_TOKEN_LENGTH) return undefined;
      const caller = verified.get(keyOf(token));
      return caller && revocations?.isRevoked(caller) ? undefined : caller;
    },
    async verify(token) {
      if (token.length > MAX_TOKEN_LENGTH) throw new InvalidTokenError('The token is too long.');
      if (!verified) return unlessRevoked(await verifySignature(token));
      const key = keyOf(token);
      const known = verified.get(key);
      if (known) return unlessRevoked(known);
      const caller = await verifySignature(token);
      // lru-cache drops an entry at its ttl: never past the token's `exp`.
      const ttl = Math.min(maxAgeMs, caller.exp * 1000 - Date.now());
      if (ttl > 0) verified.set(key, caller, { ttl });
      return unlessRevoked(caller);
    },
  };
}
