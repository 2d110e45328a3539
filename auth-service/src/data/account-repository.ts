import { isUniqueViolation } from '@portico/db';
import type { Kysely } from 'kysely';
import type { AccountRow, AccountStatus, AuthDatabase } from './schema.js';

export type Account = {
  id: string;
  email: string;
  name: string;
  passwordHash: string;
  roles: string[];
  status: AccountStatus;
};

function toAccount(row: AccountRow): Account {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    passwordHash: row.password_hash,
    roles: row.roles.split(' ').filter(Boolean),
    status: row.status,
  };
}

export class EmailTakenError extends Error {}

export function createAccountRepository(db: Kysely<AuthDatabase>, now: () => number) {
  return {
    async findByEmail(email: string): Promise<Account | undefined> {
      const row = await db.selectFrom('accounts').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
      return row && toAccount(row);
    },

    async findById(id: string): Promise<Account | undefined> {
      const row = await db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toAccount(row);
    },

    /** Throws EmailTakenError when the email (in any case) is registered. */
    async insert(account: Account): Promise<void> {
      const at = now();
      try {
        await db
          .insertInto('accounts')
          .values({
            id: account.id,
            email: account.email.toLowerCase(),
            name: account.name,
            password_hash: account.passwordHash,
            roles: account.roles.join(' '),
            status: account.status,
            created_at: at,
            updated_at: at,
          })
          .execute();
      } catch (error) {
        if (isUniqueViolation(error)) throw new EmailTakenError(account.email);
        throw error;
      }
    },

    async update(id: string, changes: Partial<Pick<Account, 'passwordHash' | 'roles' | 'status' | 'name'>>) {
      await db
        .updateTable('accounts')
        .set({
          ...(changes.passwordHash !== undefined && { password_hash: changes.passwordHash }),
          ...(changes.roles !== undefined && { roles: changes.roles.join(' ') }),
          ...(changes.status !== undefined && { status: changes.status }),
          ...(changes.name !== undefined && { name: changes.name }),
          updated_at: now(),
        })
        .where('id', '=', id)
        .execute();
    },
  };
}

export type AccountRepository = ReturnType<typeof createAccountRepository>;
