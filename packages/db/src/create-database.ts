import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, type SqliteDatabase, SqliteDialect, sql } from 'kysely';
import { LRUCache } from 'lru-cache';
import pg from 'pg';

export type Dialect = 'sqlite' | 'postgres';

export type Database<DB> = {
  db: Kysely<DB>;
  dialect: Dialect;
  /** Resolves when the database answers a query; `/readyz` uses it. */
  ping: () => Promise<void>;
  close: () => Promise<void>;
};

export type DatabaseOptions = {
  /** `postgres://…` or a SQLite file path; unset means `$DATA_DIR/<service>.db`. */
  url?: string | undefined;
  dataDir?: string;
  service: string;
  /** PostgreSQL pool size. */
  poolSize?: number;
};

// int8 columns (epoch-millisecond timestamps, counters) come back as strings by
// default; every value Portico stores fits in a double, so read them as numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export function isPostgresUrl(url: string | undefined): url is string {
  return !!url && /^postgres(ql)?:\/\//.test(url);
}

function openSqlite(file: string): SQLite.Database {
  if (file !== ':memory:') mkdirSync(dirname(resolve(file)), { recursive: true });
  const connection = new SQLite(file);
  // WAL lets readers run beside the writer; busy_timeout rides out another process's lock.
  connection.pragma('journal_mode = WAL');
  connection.pragma('synchronous = NORMAL');
  connection.pragma('busy_timeout = 5000');
  connection.pragma('foreign_keys = ON');
  return connection;
}

/**
 * Kysely's SQLite driver prepares every query anew; a service runs the same few
 * dozen statements over and over, and preparing was ~5-8% of order- and
 * inventory-service CPU in the saga benchmark. Statements are kept per SQL text
 * (better-sqlite3 re-prepares one itself if a migration changes the schema).
 * Reuse is safe because Kysely runs one query at a time on the connection.
 */
function withStatementCache(connection: SQLite.Database, max = 500): SqliteDatabase {
  const statements = new LRUCache<string, SQLite.Statement>({ max });
  return {
    close: () => connection.close(),
    prepare(text) {
      let statement = statements.get(text);
      if (!statement) {
        statement = connection.prepare(text);
        statements.set(text, statement);
      }
      return statement;
    },
  };
}

/**
 * Opens a service's own database: PostgreSQL for a `postgres://` URL, else a
 * SQLite file. Both give the same Kysely API, so one set of queries and
 * migrations serves both modes.
 */
export function createDatabase<DB>(options: DatabaseOptions): Database<DB> {
  if (isPostgresUrl(options.url)) {
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
    // An idle client losing its connection must not crash the process.
    pool.on('error', () => {});
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: 'postgres', ping: () => pingDb(db), close: () => db.destroy() };
  }
  const file = options.url ?? join(options.dataDir ?? './data', `${options.service}.db`);
  const database = withStatementCache(openSqlite(file));
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database }) });
  return { db, dialect: 'sqlite', ping: () => pingDb(db), close: () => db.destroy() };
}

async function pingDb<DB>(db: Kysely<DB>): Promise<void> {
  await sql`select 1`.execute(db);
}

/** True for a unique-constraint violation in either dialect. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    code === '23505' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}
