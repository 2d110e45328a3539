import type { Kysely } from 'kysely';
import type {
  AccountSignOutRow,
  AuthDatabase,
  RevokedSessionRow,
  RevokedTokenRow,
} from './schema.js';

export type ActiveRevocations = {
  tokens: RevokedTokenRow[];
  sessions: RevokedSessionRow[];
  signOuts: AccountSignOutRow[];
};

/** Revoked tokens, sessions and sign-outs; times are epoch milliseconds. */
export function createRevocationRepository(db: Kysely<AuthDatabase>) {
  return {
    /** Revoking twice keeps the later expiry: the row must outlive every token it names. */
    async revokeToken(row: RevokedTokenRow): Promise<void> {
      await db
        .insertInto('revoked_tokens')
        .values(row)
        .onConflict((oc) => oc.column('jti').doUpdateSet({ expires_at: row.expires_at }))
        .execute();
    },

    async revokeSession(row: RevokedSessionRow): Promise<void> {
      await db
        .insertInto('revoked_sessions')
        .values(row)
        .onConflict((oc) => oc.column('session_id').doUpdateSet({ expires_at: row.expires_at }))
        .execute();
    },

    /** One cut-off per account: the latest sign-out covers every earlier one. */
    async signOut(row: AccountSignOutRow): Promise<void> {
      await db
        .insertInto('account_sign_outs')
        .values(row)
        .onConflict((oc) =>
          oc.column('account_id').doUpdateSet({ before: row.before, expires_at: row.expires_at }),
        )
        .execute();
    },

    async isTokenRevoked(jti: string, now: number): Promise<boolean> {
      const row = await db
        .selectFrom('revoked_tokens')
        .select('jti')
        .where('jti', '=', jti)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return row !== undefined;
    },

    async isSessionRevoked(sessionId: string, now: number): Promise<boolean> {
      const row = await db
        .selectFrom('revoked_sessions')
        .select('session_id')
        .where('session_id', '=', sessionId)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return row !== undefined;
    },

    async signedOutBefore(accountId: string, now: number): Promise<number | undefined> {
      const row = await db
        .selectFrom('account_sign_outs')
        .select('before')
        .where('account_id', '=', accountId)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return row?.before;
    },

    /** Everything still in force, for a verifier that starts (GET /internal/v1/revocations). */
    async active(now: number): Promise<ActiveRevocations> {
      const [tokens, sessions, signOuts] = await Promise.all([
        db.selectFrom('revoked_tokens').selectAll().where('expires_at', '>', now).execute(),
        db.selectFrom('revoked_sessions').selectAll().where('expires_at', '>', now).execute(),
        db.selectFrom('account_sign_outs').selectAll().where('expires_at', '>', now).execute(),
      ]);
      return { tokens, sessions, signOuts };
    },

    /** Drops rows no token can need any more. */
    async deleteExpired(now: number): Promise<void> {
      await db.deleteFrom('revoked_tokens').where('expires_at', '<=', now).execute();
      await db.deleteFrom('revoked_sessions').where('expires_at', '<=', now).execute();
      await db.deleteFrom('account_sign_outs').where('expires_at', '<=', now).execute();
    },
  };
}

export type RevocationRepository = ReturnType<typeof createRevocationRepository>;
