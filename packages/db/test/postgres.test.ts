import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from '@jest/globals';
import { type Migration, sql } from 'kysely';
import pg from 'pg';
import { createDatabase, type Database, isUniqueViolation, migrateToLatest } from '../src/index.js';
import { EPOCH_MS, failing, migrations, type TestDb } from './support/schema.js';

const adminUrl = process.env.TEST_DATABASE_URL;

if (!adminUrl) {
  console.info(
    'PostgreSQL tests of @portico/db skipped: set TEST_DATABASE_URL ' +
      '(e.g. postgres://postgres@127.0.0.1:5432/test) to run them.',
  );
}

const describePg = adminUrl ? describe : describe.skip;

/** Throwaway databases this run created; all are dropped in afterAll. */
const created: string[] = [];
const opened: Database<TestDb>[] = [];

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Creates `portico_test_<random>` and returns its URL. */
async function freshDatabaseUrl(): Promise<string> {
  const name = `portico_test_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`create database ${name}`));
  created.push(name);
  const url = new URL(adminUrl!);
  url.pathname = `/${name}`;
  return url.toString();
}

function open(url: string): Database<TestDb> {
  const database = createDatabase<TestDb>({ url, service: 'accounts', poolSize: 4 });
  opened.push(database);
  return database;
}

afterAll(async () => {
  await Promise.all(opened.splice(0).map((d) => d.close()));
  if (!adminUrl) return;
  await admin(async (client) => {
    for (const name of created) await client.query(`drop database if exists ${name} with (force)`);
  });
});

async function failureOf(query: Promise<unknown>): Promise<unknown> {
  try {
    await query;
  } catch (error) {
    return error;
  }
  throw new Error('the query succeeded');
}

describePg('createDatabase and migrateToLatest on PostgreSQL', () => {
  it('when the url is postgres://, then the dialect is postgres and it answers a ping', async () => {
    const database = open(await freshDatabaseUrl());
    expect(database.dialect).toBe('postgres');
    await expect(database.ping()).resolves.toBeUndefined();
  });

  it('when run twice, then the migrations are applied once, in name order', async () => {
    const { db } = open(await freshDatabaseUrl());
    expect(await migrateToLatest(db, migrations)).toEqual([
      '0001_create_accounts',
      '0002_create_sessions',
    ]);
    expect(await migrateToLatest(db, migrations)).toEqual([]);
    const applied = await sql<{
      name: string;
    }>`select name from kysely_migration order by name`.execute(db);
    expect(applied.rows.map((r) => r.name)).toEqual([
      '0001_create_accounts',
      '0002_create_sessions',
    ]);
  });

  it('when a migration fails, then the whole run is rolled back', async () => {
    const { db } = open(await freshDatabaseUrl());
    await expect(migrateToLatest(db, failing)).rejects.toThrow(/no_such_table/);
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables
      where table_schema = 'public' and table_name not like 'kysely%'
    `.execute(db);
    expect(tables.rows).toEqual([]);
    expect(await migrateToLatest(db, migrations)).toHaveLength(2);
  });

  it('when a unique column or primary key is duplicated, then isUniqueViolation is true; for other constraints false', async () => {
    const { db } = open(await freshDatabaseUrl());
    await migrateToLatest(db, migrations);
    await db
      .insertInto('accounts')
      .values({ id: 'a1', email: 'ann@example.com', created_at: 1 })
      .execute();

    const email = await failureOf(
      db
        .insertInto('accounts')
        .values({ id: 'a2', email: 'ann@example.com', created_at: 1 })
        .execute(),
    );
    const key = await failureOf(
      db
        .insertInto('accounts')
        .values({ id: 'a1', email: 'bob@example.com', created_at: 1 })
        .execute(),
    );
    const orphan = await failureOf(
      db.insertInto('sessions').values({ id: 's1', account_id: 'nobody', hits: 0 }).execute(),
    );
    const missing = await failureOf(
      sql`insert into accounts (id, email) values ('a3', null)`.execute(db),
    );

    expect([isUniqueViolation(email), isUniqueViolation(key)]).toEqual([true, true]);
    expect([isUniqueViolation(orphan), isUniqueViolation(missing)]).toEqual([false, false]);
  });

  it('when int8 values are read back (a bigint column, count(*)), then they are numbers', async () => {
    const { db } = open(await freshDatabaseUrl());
    await migrateToLatest(db, migrations);
    await db
      .insertInto('accounts')
      .values({ id: 'a1', email: 'a@x.io', created_at: EPOCH_MS })
      .execute();
    await db
      .insertInto('sessions')
      .values({ id: 's1', account_id: 'a1', hits: 2 ** 40 })
      .execute();

    const account = await db.selectFrom('accounts').select('created_at').executeTakeFirstOrThrow();
    const session = await db.selectFrom('sessions').select('hits').executeTakeFirstOrThrow();
    const counted = await db
      .selectFrom('accounts')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();

    expect(account.created_at).toBe(EPOCH_MS);
    expect(session.hits).toBe(2 ** 40);
    expect(counted.n).toBe(1);
  });

  it('when two replicas migrate the same new database at once, then both succeed and each migration runs once', async () => {
    // The second migration is slow and not idempotent: a double run would show.
    const slow: Record<string, Migration> = {
      ...migrations,
      '0003_seed': {
        async up(db) {
          await sql`select pg_sleep(0.2)`.execute(db);
          await sql`insert into accounts (id, email, created_at) values ('seed', 'seed@x.io', 0)`.execute(
            db,
          );
        },
      },
    };
    for (let round = 0; round < 3; round += 1) {
      const url = await freshDatabaseUrl();
      const [a, b] = [open(url), open(url)];

      const [first, second] = await Promise.all([
        migrateToLatest(a.db, slow),
        migrateToLatest(b.db, slow),
      ]);

      expect([...first, ...second].sort()).toEqual(Object.keys(slow).sort());
      const applied = await sql<{ n: number }>`select count(*) as n from kysely_migration`.execute(
        a.db,
      );
      expect(applied.rows[0]!.n).toBe(3);
      const seeded = await a.db.selectFrom('accounts').select('id').execute();
      expect(seeded).toEqual([{ id: 'seed' }]);
    }
  });
});
