import type { Outbox } from '@portico/events';
import type { RevocationList } from '@portico/token-auth';
import type { Kysely, Transaction } from 'kysely';
import { createRefreshTokenRepository } from '../data/refresh-token-repository.js';
import {
  createRevocationRepository,
  type RevocationRepository,
} from '../data/revocation-repository.js';
import type { AuthDatabase } from '../data/schema.js';

/**
 * What every verifier learns on the `auth` stream, and what
 * `GET /internal/v1/revocations` lists. Times are NumericDate (epoch seconds),
 * as in the tokens they are compared with; `expiresAt` is when no token the
 * entry names can be valid any more, so the entry can be forgotten.
 */
export type RevocationSnapshot = {
  tokens: { jti: string; accountId: string; expiresAt: number }[];
  sessions: { sessionId: string; accountId: string; expiresAt: number }[];
  signOuts: { accountId: string; before: number; expiresAt: number }[];
};

const seconds = (ms: number) => Math.floor(ms / 1000);

/**
 * Revoked access tokens (RFC 7009), sessions (logout) and "sign out
 * everywhere". Each revocation and its event commit in one transaction (the
 * outbox), so a verifier hears of every revocation that is in the database.
 */
export function createRevocations(deps: {
  db: Kysely<AuthDatabase>;
  outbox: Outbox<AuthDatabase>;
  /** The longest an access token lives, and the verifiers' clock tolerance on top. */
  accessTtlSeconds: number;
  clockSkewSeconds: number;
  now: () => number;
  /** This service's own verifier's list: told of each revocation as it commits. */
  list?: RevocationList;
}) {
  const { now } = deps;
  const repository = createRevocationRepository(deps.db);
  // A token issued just now is still accepted this long (its exp, plus the verifiers' skew).
  const lastValidMs = () => now() + (deps.accessTtlSeconds + deps.clockSkewSeconds) * 1000;

  /** Runs `work` and its event in one transaction; once committed, this service's list hears of it. */
  async function revoke(
    type: string,
    data: Record<string, unknown>,
    work: (revocations: RevocationRepository, trx: Transaction<AuthDatabase>) => Promise<void>,
  ): Promise<void> {
    await deps.outbox.transaction(async (trx, emit) => {
      const revocations = createRevocationRepository(trx);
      await revocations.deleteExpired(now());
      await work(revocations, trx);
      await emit(type, data);
    });
    deps.list?.apply({ type, data });
  }

  return {
    /** One access token, by its `jti`, until its `exp` has passed for every verifier. */
    async revokeAccessToken(token: { jti: string; sub: string; exp: number }): Promise<void> {
      const expiresAt = (token.exp + deps.clockSkewSeconds) * 1000;
      const data = { jti: token.jti, accountId: token.sub, expiresAt: seconds(expiresAt) };
      await revoke('token.revoked', data, (revocations) =>
        revocations.revokeToken({ jti: token.jti, account_id: token.sub, expires_at: expiresAt }),
      );
    },

    /** A session ends: its refresh family is revoked and its access tokens refused (logout). */
    async revokeSession(sessionId: string, accountId: string): Promise<void> {
      const expiresAt = lastValidMs();
      const data = { sessionId, accountId, expiresAt: seconds(expiresAt) };
      await revoke('session.revoked', data, async (revocations, trx) => {
        await createRefreshTokenRepository(trx).revokeFamily(sessionId);
        await revocations.revokeSession({
          session_id: sessionId,
          account_id: accountId,
          expires_at: expiresAt,
        });
      });
    },

    /** "Sign out everywhere": every family revoked, every token issued until now refused. */
    async signOutEverywhere(accountId: string): Promise<void> {
      const before = now();
      const expiresAt = lastValidMs();
      const data = { accountId, before: seconds(before), expiresAt: seconds(expiresAt) };
      await revoke('account.signed_out', data, async (revocations, trx) => {
        await createRefreshTokenRepository(trx).revokeAllOf(accountId);
        await revocations.signOut({ account_id: accountId, before, expires_at: expiresAt });
      });
    },

    /** Whether a token that verified is refused all the same (introspection asks). */
    async isRevoked(token: { jti: string; sub: string; iat: number; sid?: string }) {
      const at = now();
      if (await repository.isTokenRevoked(token.jti, at)) return true;
      if (token.sid && (await repository.isSessionRevoked(token.sid, at))) return true;
      const before = await repository.signedOutBefore(token.sub, at);
      return before !== undefined && token.iat <= seconds(before);
    },

    async active(): Promise<RevocationSnapshot> {
      const { tokens, sessions, signOuts } = await repository.active(now());
      return {
        tokens: tokens.map((r) => ({
          jti: r.jti,
          accountId: r.account_id,
          expiresAt: seconds(r.expires_at),
        })),
        sessions: sessions.map((r) => ({
          sessionId: r.session_id,
          accountId: r.account_id,
          expiresAt: seconds(r.expires_at),
        })),
        signOuts: signOuts.map((r) => ({
          accountId: r.account_id,
          before: seconds(r.before),
          expiresAt: seconds(r.expires_at),
        })),
      };
    },
  };
}

export type Revocations = ReturnType<typeof createRevocations>;
