import type { Kysely } from 'kysely';
import type { ProfileRow, UserDatabase, UserStatus } from './schema.js';

export type Profile = { id: string; email: string; name: string; status: UserStatus };

const toProfile = ({ id, email, name, status }: ProfileRow): Profile => ({ id, email, name, status });

export function createProfileRepository(db: Kysely<UserDatabase>, now: () => number) {
  return {
    async findById(id: string): Promise<Profile | undefined> {
      const row = await db.selectFrom('profiles').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toProfile(row);
    },

    /** Up to `limit` profiles after `afterId`, in id order. */
    async list(limit: number, afterId?: string): Promise<Profile[]> {
      let query = db.selectFrom('profiles').selectAll().orderBy('id', 'asc').limit(limit);
      if (afterId !== undefined) query = query.where('id', '>', afterId);
      return (await query.execute()).map(toProfile);
    },

    /** Inserts unless a profile with this id exists; either way returns the stored one. */
    async insertIfAbsent(profile: Profile): Promise<Profile> {
      const at = now();
      await db
        .insertInto('profiles')
        .values({ ...profile, created_at: at, updated_at: at })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      return (await this.findById(profile.id)) ?? profile;
    },

    /** Applies the changes; returns the profile before and after, or undefined if there is none. */
    async update(
      id: string,
      changes: Partial<Pick<Profile, 'name' | 'status'>>,
    ): Promise<{ before: Profile; after: Profile } | undefined> {
      const before = await this.findById(id);
      if (!before) return undefined;
      await db
        .updateTable('profiles')
        .set({ ...changes, updated_at: now() })
        .where('id', '=', id)
        .execute();
      return { before, after: { ...before, ...changes } };
    },
  };
}

export type ProfileRepository = ReturnType<typeof createProfileRepository>;
