import { randomUUID } from 'node:crypto';
import { ConflictError } from '@portico/errors';
import { type AccountRepository, EmailTakenError } from '../data/account-repository.js';
import { hashPassword } from './passwords.js';

export type PublicAccount = { id: string; email: string; name: string };

export function createAccounts(repository: AccountRepository) {
  return {
    async register(input: {
      email: string;
      password: string;
      name: string;
    }): Promise<PublicAccount> {
      const account = {
        id: randomUUID(),
        email: input.email.toLowerCase(),
        name: input.name,
        passwordHash: await hashPassword(input.password),
        roles: ['user'],
        status: 'active' as const,
      };
      try {
        await repository.insert(account);
      } catch (error) {
        if (error instanceof EmailTakenError) {
          throw new ConflictError('An account with this email already exists.', 'EMAIL_TAKEN');
        }
        throw error;
      }
      return { id: account.id, email: account.email, name: account.name };
    },

    /** Creates the configured admin, or brings an existing account's password and roles up to date. */
    async ensureAdmin(email: string, password: string): Promise<void> {
      const existing = await repository.findByEmail(email);
      const passwordHash = await hashPassword(password);
      if (existing) {
        await repository.update(existing.id, {
          passwordHash,
          roles: ['user', 'admin'],
          status: 'active',
        });
        return;
      }
      await repository.insert({
        id: randomUUID(),
        email: email.toLowerCase(),
        name: 'Administrator',
        passwordHash,
        roles: ['user', 'admin'],
        status: 'active',
      });
    },
  };
}

export type Accounts = ReturnType<typeof createAccounts>;
