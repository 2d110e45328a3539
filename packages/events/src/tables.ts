import { type Kysely, type Migration, PostgresAdapter, sql } from 'kysely';

/** The event tables a service's database may hold, to intersect with its own schema. */
export type EventTables = {
  /** Producer: events written in the same transaction as the change they describe. */
  outbox: {
    /** Commit order: the embedded feed's cursor. */
    seq: number;
    id: string;
    type: string;
    data: string;
    occurred_at: number;
    traceparent: string | null;
    /** When the Redis relay put it on the stream; null until then. */
    published_at: number | null;
  };
  /** Consumer: ids of events already handled, written with the handler's effect. */
  inbox: { event_id: string; source: string; type: string; handled_at: number };
  /** Consumer (embedded transport): how far each producer's feed has been read. */
  event_cursors: { source: string; position: number };
  /** Consumer: events that kept failing, kept for an operator. */
  dead_letters: {
    event_id: string;
    source: string;
    type: string;
    envelope: string;
    error: string;
    failed_at: number;
  };
};

const isPostgres = (db: Kysely<unknown>) => db.getExecutor().adapter instanceof PostgresAdapter;

/** The outbox table, for a producing service's migrations. */
export const outboxMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('outbox')
      .addColumn('seq', isPostgres(db) ? 'bigserial' : 'integer', (c) =>
        isPostgres(db) ? c.primaryKey() : c.primaryKey().autoIncrement(),
      )
      .addColumn('id', 'text', (c) => c.notNull().unique())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('occurred_at', 'bigint', (c) => c.notNull())
      .addColumn('traceparent', 'text')
      .addColumn('published_at', 'bigint')
      .execute();
    await db.schema
      .createIndex('outbox_unpublished')
      .on('outbox')
      .columns(['published_at', 'seq'])
      .execute();
  },
};

/** The inbox, cursor and dead-letter tables, for a consuming service's migrations. */
export const inboxMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('inbox')
      .addColumn('event_id', 'text', (c) => c.primaryKey())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('handled_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('event_cursors')
      .addColumn('source', 'text', (c) => c.primaryKey())
      .addColumn('position', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('dead_letters')
      .addColumn('event_id', 'text', (c) => c.primaryKey())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('envelope', 'text', (c) => c.notNull())
      .addColumn('error', 'text', (c) => c.notNull())
      .addColumn('failed_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};

/**
 * On PostgreSQL, concurrent transactions can commit out of `seq` order, and a
 * feed reader could step past a row that becomes visible later. Event-writing
 * transactions therefore take one advisory lock until commit, so commit order
 * is seq order. SQLite has a single writer and needs nothing.
 */
export async function serialiseOutboxWrites(trx: Kysely<unknown>): Promise<void> {
  if (isPostgres(trx)) await sql`select pg_advisory_xact_lock(7175747265)`.execute(trx);
}
