import type { Kysely } from 'kysely';
import type { AuthDatabase, SigningKeyRow } from './schema.js';

export function createSigningKeyRepository(db: Kysely<AuthDatabase>) {
  return {
    /** Keys still published: next, active, and retired ones whose tokens may be alive. */
    async listPublished(now: number): Promise<SigningKeyRow[]> {
      return db
        .selectFrom('signing_keys')
        .selectAll()
        .where((eb) => eb.or([eb('state', '!=', 'retired'), eb('publish_until', '>', now)]))
        .orderBy('created_at', 'asc')
        .execute();
    },

    async insert(row: SigningKeyRow): Promise<void> {
      await db.insertInto('signing_keys').values(row).execute();
    },

    /**
     * Promotes `next` to active and retires the active key, in one transaction.
     * The state conditions make a concurrent rotation by another replica a no-op.
     */
    async rotate(args: { activeKid: string; nextKid: string; now: number; publishUntil: number; newNext: SigningKeyRow }) {
      return db.transaction().execute(async (trx) => {
        const retired = await trx
          .updateTable('signing_keys')
          .set({ state: 'retired', publish_until: args.publishUntil })
          .where('kid', '=', args.activeKid)
          .where('state', '=', 'active')
          .executeTakeFirst();
        if (retired.numUpdatedRows !== 1n) return false;
        await trx
          .updateTable('signing_keys')
          .set({ state: 'active', activated_at: args.now })
          .where('kid', '=', args.nextKid)
          .where('state', '=', 'next')
          .execute();
        await trx.insertInto('signing_keys').values(args.newNext).execute();
        return true;
      });
    },

    async deleteExpired(now: number): Promise<void> {
      await db.deleteFrom('signing_keys').where('state', '=', 'retired').where('publish_until', '<=', now).execute();
    },
  };
}

export type SigningKeyRepository = ReturnType<typeof createSigningKeyRepository>;
