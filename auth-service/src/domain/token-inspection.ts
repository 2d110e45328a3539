import { InvalidTokenError, type TokenVerifier } from '@portico/token-auth';
import { decodeJwt, type JWTPayload } from 'jose';
import type { AccountRepository } from '../data/account-repository.js';
import type { RefreshTokenRow } from '../data/schema.js';
import type { Revocations } from './revocations.js';
import type { Sessions } from './sessions.js';

/** An access token this service signed and that verifies (signature, iss, aud, typ, age). */
export type AccessToken = { kind: 'access'; claims: JWTPayload & { sub: string; jti: string } };
export type RefreshToken = { kind: 'refresh'; row: RefreshTokenRow };

/** Introspection's answer (RFC 7662 §2.2): only `active` when the token is not. */
export type Introspection =
  | { active: false }
  | {
      active: true;
      token_type: 'Bearer' | 'refresh_token';
      sub: string;
      iss?: string;
      aud?: string | string[];
      client_id?: string;
      scope?: string;
      exp: number;
      iat: number;
      jti?: string;
      sid?: string;
      username?: string;
    };

const INACTIVE = { active: false } as const;
const seconds = (ms: number) => Math.floor(ms / 1000);

/**
 * Finds what a presented token is, for revocation (RFC 7009) and
 * introspection (RFC 7662). Access tokens are JWS (three dot-separated
 * parts) and refresh tokens opaque random strings, so the form decides
 * where to look and `token_type_hint` is not needed (RFC 7009 §2.1 lets a
 * server search every type whatever the hint).
 */
export function createTokenInspection(deps: {
  verifier: TokenVerifier;
  sessions: Sessions;
  revocations: Revocations;
  accounts: AccountRepository;
  now: () => number;
}) {
  async function find(token: string): Promise<AccessToken | RefreshToken | undefined> {
    if (token.split('.').length === 3) {
      try {
        await deps.verifier.verify(token);
      } catch (error) {
        if (error instanceof InvalidTokenError) return undefined;
        throw error;
      }
      // Verified above, so its claims can be read as they are.
      return { kind: 'access', claims: decodeJwt(token) as AccessToken['claims'] };
    }
    const row = await deps.sessions.findRefreshToken(token);
    return row && { kind: 'refresh', row };
  }

  async function accountActive(accountId: string): Promise<{ email: string } | undefined> {
    const account = await deps.accounts.findById(accountId);
    return account?.status === 'active' ? account : undefined;
  }

  async function introspectAccess({ claims }: AccessToken): Promise<Introspection> {
    const { sub, jti, iat, exp } = claims;
    // The verifier allows clock skew; introspection answers for this instant (RFC 7662 §2.2).
    if (exp === undefined || iat === undefined || exp * 1000 <= deps.now()) return INACTIVE;
    const service = typeof claims.client_id === 'string';
    const sid = typeof claims.sid === 'string' ? claims.sid : undefined;
    if (await deps.revocations.isRevoked({ jti, sub, iat, ...(sid && { sid }) })) return INACTIVE;
    const account = service ? undefined : await accountActive(sub);
    if (!service && !account) return INACTIVE;
    const clientId = (claims.azp ?? claims.client_id) as string | undefined;
    return {
      active: true,
      token_type: 'Bearer',
      sub,
      ...(claims.iss && { iss: claims.iss }),
      ...(claims.aud && { aud: claims.aud }),
      ...(clientId && { client_id: clientId }),
      ...(typeof claims.scope === 'string' && { scope: claims.scope }),
      exp,
      iat,
      jti,
      ...(sid && { sid }),
      ...(account && { username: account.email }),
    };
  }

  async function introspectRefresh({ row }: RefreshToken): Promise<Introspection> {
    if (row.state !== 'active' || row.expires_at <= deps.now()) return INACTIVE;
    const account = await accountActive(row.account_id);
    if (!account) return INACTIVE;
    return {
      active: true,
      token_type: 'refresh_token',
      sub: row.account_id,
      ...(row.client_id && { client_id: row.client_id }),
      ...(row.scope && { scope: row.scope }),
      exp: seconds(row.expires_at),
      iat: seconds(row.created_at),
      sid: row.family_id,
      username: account.email,
    };
  }

  return {
    find,
    async introspect(token: string): Promise<Introspection> {
      const found = await find(token);
      if (!found) return INACTIVE;
      return found.kind === 'access' ? introspectAccess(found) : introspectRefresh(found);
    },
  };
}

export type TokenInspection = ReturnType<typeof createTokenInspection>;

/** The OAuth client a token was issued to (`azp`), or undefined for a first-party login. */
export function clientOf(token: AccessToken | RefreshToken): string | undefined {
  if (token.kind === 'refresh') return token.row.client_id ?? undefined;
  return typeof token.claims.azp === 'string' ? token.claims.azp : undefined;
}
