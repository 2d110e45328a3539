import { inboxMigration, outboxMigration } from '@portico/events';
import type { Kysely, Migration } from 'kysely';

/** Forward-only; the same schema on SQLite and PostgreSQL. */
export const migrations: Record<string, Migration> = {
  '001_orders': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('orders')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('items', 'text', (c) => c.notNull())
        .addColumn('total_cents', 'bigint')
        .addColumn('reason', 'text')
        .addColumn('history', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('orders_user_created')
        .on('orders')
        .columns(['user_id', 'created_at', 'id'])
        .execute();
    },
  },
  '002_idempotency': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('orders').addColumn('idempotency_key', 'text').execute();
      await db.schema.alterTable('orders').addColumn('request_hash', 'text').execute();
      await db.schema
        .createIndex('orders_user_idempotency_key')
        .on('orders')
        .columns(['user_id', 'idempotency_key'])
        .unique()
        .execute();
      // The saga's timeout sweep reads pending orders by age.
      await db.schema.createIndex('orders_status_created').on('orders').columns(['status', 'created_at']).execute();
    },
  },
  /** `order.created`, `order.cancelled` out; `stock.*` in. */
  '003_outbox': outboxMigration,
  '004_inbox': inboxMigration,
};
