import { inboxMigration, outboxMigration } from '@portico/events';
import type { Kysely, Migration } from 'kysely';

/** Forward-only; the same schema on SQLite and PostgreSQL. */
export const migrations: Record<string, Migration> = {
  '001_profiles': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('profiles')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
  /** `user.updated`, `user.disabled`, `user.enabled` out; `user.registered` in. */
  '002_outbox': outboxMigration,
  '003_inbox': inboxMigration,
};
