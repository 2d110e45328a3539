import type { Kysely } from 'kysely';
import type { AuthDatabase, AuthorizationCodeRow } from './schema.js';

/** How long a spent or expired code is kept, so presenting it again is still seen as a replay. */
const KEEP_AFTER_EXPIRY_MS = 10 * 60 * 1000;

export function createAuthorizationCodeRepository(db: Kysely<AuthDatabase>) {
  return {
    async insert(row: AuthorizationCodeRow): Promise<void> {
      await db.insertInto('authorization_codes').values(row).execute();
    },

    async findByHash(codeHash: string): Promise<AuthorizationCodeRow | undefined> {
      return db
        .selectFrom('authorization_codes')
        .selectAll()
        .where('code_hash', '=', codeHash)
        .executeTakeFirst();
    },

    /**
     * Redeems a code once. As with refresh tokens, the conditional update is
     * the atomic step: of concurrent redemptions exactly one changes the row.
     */
    async redeem(codeHash: string): Promise<boolean> {
      const result = await db
        .updateTable('authorization_codes')
        .set({ state: 'redeemed' })
        .where('code_hash', '=', codeHash)
        .where('state', '=', 'issued')
        .executeTakeFirst();
      return result.numUpdatedRows === 1n;
    },

    /** Drops codes long past their expiry; called as new codes are issued, so the table stays small. */
    async deleteExpired(now: number): Promise<void> {
      await db
        .deleteFrom('authorization_codes')
        .where('expires_at', '<', now - KEEP_AFTER_EXPIRY_MS)
        .execute();
    },
  };
}

export type AuthorizationCodeRepository = ReturnType<typeof createAuthorizationCodeRepository>;
