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
  };
}

export type ProfileRepository = ReturnType<typeof createProfileRepository>;
