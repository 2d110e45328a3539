import { randomUUID } from 'node:crypto';
import { ConflictError } from '@portico/errors';
import type { Outbox } from '@portico/events';
import {
  type Account,
  type AccountRepository,
  createAccountRepository,
  EmailTakenError,
} from '../data/account-repository.js';
import type { RefreshTokenRepository } from '../data/refresh-token-repository.js';
import type { AuthDatabase } from '../data/schema.js';
import { AUTH_ERRORS } from '../errors.js';
import { assertUncommonPassword } from './common-passwords.js';
import { hashPassword, verifyPassword } from './passwords.js';

export type PublicAccount = { id: string; email: string; name: string };

export function createAccounts(deps: {
  repository: AccountRepository;
  refreshTokens: RefreshTokenRepository;
  outbox: Outbox<AuthDatabase>;
  now: () => number;
}) {
  const { repository, refreshTokens, outbox } = deps;

  /** The account and its `user.registered` event commit together (the outbox). */
  async function insertAnnounced(account: Account): Promise<void> {
    await outbox.transaction(async (trx, emit) => {
      await createAccountRepository(trx, deps.now).insert(account);
      await emit('user.registered', { id: account.id, email: account.email, name: account.name });
    });
  }

  return {
    /** Registration budgets were taken before (routes/registration-budget.ts). */
    async register(input: {
      email: string;
      password: string;
      name: string;
    }): Promise<PublicAccount> {
      assertUncommonPassword(input.password);
      const account: Account = {
        id: randomUUID(),
        email: input.email.toLowerCase(),
        name: input.name,
        passwordHash: await hashPassword(input.password),
        roles: ['user'],
        status: 'active',
      };
      try {
        await insertAnnounced(account);
      } catch (error) {
        if (error instanceof EmailTakenError) {
          throw new ConflictError(
            'An account with this email already exists.',
            AUTH_ERRORS.EMAIL_TAKEN.code,
          );
        }
        throw error;
      }
      return { id: account.id, email: account.email, name: account.name };
    },

    /**
     * Creates the configured admin, or brings an existing account's password and
     * roles up to date. Two replicas starting together may both find no admin:
     * the one whose insert loses the race updates the winner's row instead.
     */
    async ensureAdmin(email: string, password: string): Promise<void> {
      const existing = await repository.findByEmail(email);
      if (!existing) {
        try {
          await insertAnnounced({
            id: randomUUID(),
            email: email.toLowerCase(),
            name: 'Administrator',
            passwordHash: await hashPassword(password),
            roles: ['user', 'admin'],
            status: 'active',
          });
          return;
        } catch (error) {
          if (!(error instanceof EmailTakenError)) throw error;
          return this.ensureAdmin(email, password);
        }
      }
      const unchanged = await verifyPassword(existing.passwordHash, password);
      await repository.update(existing.id, {
        ...(!unchanged && { passwordHash: await hashPassword(password) }),
        roles: ['user', 'admin'],
        status: 'active',
      });
      // A changed password ends every session the old one opened (ASVS 5, V7.4.3).
      if (!unchanged) await refreshTokens.revokeAllOf(existing.id);
    },
  };
}

export type Accounts = ReturnType<typeof createAccounts>;
