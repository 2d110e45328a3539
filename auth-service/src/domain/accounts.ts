import { randomUUID } from 'node:crypto';
import { ConflictError } from '@portico/errors';
import { type AccountRepository, EmailTakenError } from '../data/account-repository.js';
import type { RefreshTokenRepository } from '../data/refresh-token-repository.js';
import { hashPassword, verifyPassword } from './passwords.js';

export type PublicAccount = { id: string; email: string; name: string };

export function createAccounts(
  repository: AccountRepository,
  refreshTokens: RefreshTokenRepository,
) {
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
      if (existing) {
        const unchanged = await verifyPassword(existing.passwordHash, password);
        await repository.update(existing.id, {
          ...(!unchanged && { passwordHash: await hashPassword(password) }),
          roles: ['user', 'admin'],
          status: 'active',
        });
        // A changed password ends every session the old one opened (ASVS 5, V7.4.3).
        if (!unchanged) await refreshTokens.revokeAllOf(existing.id);
        return;
      }
      const passwordHash = await hashPassword(password);
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
