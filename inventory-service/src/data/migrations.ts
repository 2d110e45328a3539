import { inboxMigration, outboxMigration } from '@portico/events';
import { type Kysely, type Migration, sql } from 'kysely';

/** Forward-only; the same schema on SQLite and PostgreSQL. */
export const migrations: Record<string, Migration> = {
  '001_products': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('products')
        .addColumn('sku', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('price_cents', 'bigint', (c) => c.notNull())
        .addColumn('available', 'bigint', (c) => c.notNull().check(sqlNonNegative('available')))
        .addColumn('reserved', 'bigint', (c) => c.notNull().check(sqlNonNegative('reserved')))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
  /** One row per order the saga asked about: the order's primary key makes handling it once per order cheap to check. */
  '002_reservations': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('reservations')
        .addColumn('order_id', 'text', (c) => c.primaryKey())
        .addColumn('state', 'text', (c) =>
          c.notNull().check(sql`state in ('reserved', 'released', 'rejected', 'cancelled')`),
        )
        .addColumn('items', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
  /** `stock.reserved`, `stock.rejected`, `stock.released` out; `order.created`, `order.cancelled` in. */
  '003_outbox': outboxMigration,
  '004_inbox': inboxMigration,
};

/** Stock can never go below zero, whatever a bug upstream asks for. */
function sqlNonNegative(column: string) {
  return sql`${sql.ref(column)} >= 0`;
}
