import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import {
  createDatabase,
  type Database,
  isPostgresUrl,
  isUniqueViolation,
  migrateToLatest,
} from '../src/index.js';
import { EPOCH_MS, failing, migrations, type TestDb } from './support/schema.js';

let dataDir: string;
const opened: Database<TestDb>[] = [];

function open(options: { url?: string } = {}): Database<TestDb> {
  const database = createDatabase<TestDb>({ dataDir, service: 'accounts', ...options });
  opened.push(database);
  return database;
}

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'portico-db-'));
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((d) => d.close()));
  rmSync(dataDir, { recursive: true, force: true });
});

/** The error a query rejects with. */
async function failureOf(query: Promise<unknown>): Promise<unknown> {
  try {
    await query;
  } catch (error) {
    return error;
  }
  throw new Error('the query succeeded');
}

describe('createDatabase on SQLite', () => {
  it('when no url is given, then the file is <dataDir>/<service>.db and it answers a ping', async () => {
    const database = open();
    expect(database.dialect).toBe('sqlite');
    await expect(database.ping()).resolves.toBeUndefined();
    expect(existsSync(join(dataDir, 'accounts.db'))).toBe(true);
  });

  it('when the url is a file path in a missing folder, then the folder is created', async () => {
    const file = join(dataDir, 'nested', 'deeper', 'custom.db');
    await open({ url: file }).ping();
    expect(existsSync(file)).toBe(true);
  });

  it('when the file is opened, then WAL journaling and foreign keys are on', async () => {
    const { db } = open();
    const journal = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db);
    const keys = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db);
    expect(journal.rows[0]!.journal_mode).toBe('wal');
    expect(keys.rows[0]!.foreign_keys).toBe(1);
  });
});

describe('migrateToLatest on SQLite', () => {
  it('when run twice, then the migrations are applied once, in name order', async () => {
    const { db } = open();
    expect(await migrateToLatest(db, migrations)).toEqual([
      '0001_create_accounts',
      '0002_create_sessions',
    ]);
    expect(await migrateToLatest(db, migrations)).toEqual([]);
    const applied = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
    expect(applied.rows.map((r) => r.name)).toEqual([
      '0001_create_accounts',
      '0002_create_sessions',
    ]);
  });

  it('when the service restarts on the same file, then nothing is re-applied and the data is kept', async () => {
    const first = open();
    await migrateToLatest(first.db, migrations);
    await first.db
      .insertInto('accounts')
      .values({ id: 'a1', email: 'ann@example.com', created_at: EPOCH_MS })
      .execute();
    await first.close();
    opened.splice(opened.indexOf(first), 1);

    const second = open();
    expect(await migrateToLatest(second.db, migrations)).toEqual([]);
    const rows = await second.db.selectFrom('accounts').selectAll().execute();
    expect(rows).toEqual([{ id: 'a1', email: 'ann@example.com', created_at: EPOCH_MS }]);
  });

  it('when a later release adds a migration, then only the new one is applied', async () => {
    const { db } = open();
    await migrateToLatest(db, { '0001_create_accounts': migrations['0001_create_accounts']! });
    expect(await migrateToLatest(db, migrations)).toEqual(['0002_create_sessions']);
  });

  it('when a migration fails, then migrateToLatest rejects and only the ones before it are recorded', async () => {
    // Kysely runs SQLite migrations without a transaction (its adapter declares no
    // transactional DDL), so a failed migration's own partial work is not rolled back.
    const { db } = open();
    await expect(migrateToLatest(db, failing)).rejects.toThrow(/no such table/);
    const applied = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
    expect(applied.rows.map((r) => r.name)).toEqual([
      '0001_create_accounts',
      '0002_create_sessions',
    ]);
  });
});

describe('isUniqueViolation on SQLite', () => {
  let database: Database<TestDb>;

  beforeEach(async () => {
    database = open();
    await migrateToLatest(database.db, migrations);
    await database.db
      .insertInto('accounts')
      .values({ id: 'a1', email: 'ann@example.com', created_at: EPOCH_MS })
      .execute();
  });

  it('when a unique column is duplicated, then it is a unique violation', async () => {
    const error = await failureOf(
      database.db
        .insertInto('accounts')
        .values({ id: 'a2', email: 'ann@example.com', created_at: EPOCH_MS })
        .execute(),
    );
    expect(isUniqueViolation(error)).toBe(true);
  });

  it('when a primary key is duplicated, then it is a unique violation', async () => {
    const error = await failureOf(
      database.db
        .insertInto('accounts')
        .values({ id: 'a1', email: 'bob@example.com', created_at: EPOCH_MS })
        .execute(),
    );
    expect(isUniqueViolation(error)).toBe(true);
  });

  it('when a foreign key or NOT NULL is violated, then it is not a unique violation', async () => {
    const orphan = await failureOf(
      database.db
        .insertInto('sessions')
        .values({ id: 's1', account_id: 'nobody', hits: 0 })
        .execute(),
    );
    const missing = await failureOf(
      sql`insert into accounts (id, email) values ('a3', null)`.execute(database.db),
    );
    expect(isUniqueViolation(orphan)).toBe(false);
    expect(isUniqueViolation(missing)).toBe(false);
  });

  it.each([[null], [undefined], [new Error('x')], [{ code: 23505 }], ['23505']])(
    'when given %p, then false',
    (value) => {
      expect(isUniqueViolation(value)).toBe(false);
    },
  );
});

describe('int8 on SQLite', () => {
  it('when a bigint column is read back, then it is a number', async () => {
    const { db } = open();
    await migrateToLatest(db, migrations);
    await db
      .insertInto('accounts')
      .values({ id: 'a1', email: 'a@x.io', created_at: EPOCH_MS })
      .execute();
    const row = await db.selectFrom('accounts').select('created_at').executeTakeFirstOrThrow();
    expect(row.created_at).toBe(EPOCH_MS);
  });
});

describe('isPostgresUrl', () => {
  it.each([
    ['postgres://u@h:5432/db', true],
    ['postgresql://u@h/db', true],
    ['./data/accounts.db', false],
    [':memory:', false],
    ['mysql://h/db', false],
    [undefined, false],
    ['', false],
  ])('when the url is %p, then %p', (url, expected) => {
    expect(isPostgresUrl(url)).toBe(expected);
  });
});
