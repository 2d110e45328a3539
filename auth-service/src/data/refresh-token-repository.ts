import type { Kysely } from 'kysely';
import type { AuthDatabase, RefreshTokenRow } from './schema.js';

export function createRefreshTokenRepository(db: Kysely<AuthDatabase>) {
  return {
    async insert(row: RefreshTokenRow): Promise<void> {
      await db.insertInto('refresh_tokens').values(row).execute();
    },

    async findByHash(tokenHash: string): Promise<RefreshTokenRow | undefined> {
      return db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    },

    /**
     * Spends an active token. The conditional update is the atomic step: of
     * any number of concurrent refreshes of one token, exactly one sees a row
     * change (a row lock in PostgreSQL, the single writer in SQLite).
     */
    async spend(id: string): Promise<boolean> {
      const result = await db
        .updateTable('refresh_tokens')
        .set({ state: 'rotated' })
        .where('id', '=', id)
        .where('state', '=', 'active')
        .executeTakeFirst();
      return result.numUpdatedRows === 1n;
    },

    async revokeFamily(familyId: string): Promise<void> {
      await db.updateTable('refresh_tokens').set({ state: 'revoked' }).where('family_id', '=', familyId).execute();
    },

    async revokeAllOf(accountId: string): Promise<void> {
      await db.updateTable('refresh_tokens').set({ state: 'revoked' }).where('account_id', '=', accountId).execute();
    },

    /** Drops rows past their expiry; they can no longer be presented or reused. */
    async deleteExpired(before: number): Promise<void> {
      await db.deleteFrom('refresh_tokens').where('expires_at', '<', before).execute();
    },
  };
}

export type RefreshTokenRepository = ReturnType<typeof createRefreshTokenRepository>;
