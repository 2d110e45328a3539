import type { Handlers } from '@portico/events';
import { createProfileRepository } from '../data/profile-repository.js';
import type { UserDatabase } from '../data/schema.js';

/** What the user service does with the auth service's events; each runs in the inbox's transaction. */
export function authEventHandlers(now: () => number): Handlers<UserDatabase> {
  return {
    'user.registered': async (trx, event) => {
      const { id, email, name } = event.data as { id: string; email: string; name: string };
      await createProfileRepository(trx, now).insertIfAbsent({ id, email, name, status: 'active' });
    },
  };
}
