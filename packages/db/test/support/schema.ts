import { type Kysely, type Migration, sql } from 'kysely';

/** The tables the test migrations create. */
export type TestDb = {
  accounts: { id: string; email: string; created_at: number };
  sessions: { id: string; account_id: string; hits: number };
};

/** Two ordinary forward migrations, written once for both dialects as services write them. */
export const migrations: Record<string, Migration> = {
  '0001_create_accounts': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('accounts')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('email', 'varchar(320)', (c) => c.notNull().unique())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
  '0002_create_sessions': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('sessions')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('account_id', 'varchar(36)', (c) => c.notNull().references('accounts.id'))
        .addColumn('hits', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
    },
  },
};

/** A third migration that always fails, after doing some work. */
export const failing: Record<string, Migration> = {
  ...migrations,
  '0003_broken': {
    async up(db: Kysely<unknown>) {
      await db.schema.createTable('half_done').addColumn('id', 'integer').execute();
      await sql`select * from no_such_table`.execute(db);
    },
  },
};

export const EPOCH_MS = 1_767_225_600_123;
