import type { Handlers } from '@portico/events';
import { createAccountRepository } from '../data/account-repository.js';
import { createRefreshTokenRepository } from '../data/refresh-token-repository.js';
import type { AuthDatabase } from '../data/schema.js';

type StatusChange = { id: string };

/**
 * What the auth service does with the user service's events: a disabled user
 * can no longer log in or refresh, and every session they hold ends at once.
 */
export function userEventHandlers(now: () => number): Handlers<AuthDatabase> {
  return {
    'user.disabled': async (trx, event) => {
      const { id } = event.data as StatusChange;
      await createAccountRepository(trx, now).update(id, { status: 'disabled' });
      await createRefreshTokenRepository(trx).revokeAllOf(id);
    },
    'user.enabled': async (trx, event) => {
      const { id } = event.data as StatusChange;
      await createAccountRepository(trx, now).update(id, { status: 'active' });
    },
  };
}
