import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createDatabase, type Database, type Dialect } from './create-database.js';

/** A throwaway database for one test suite, and how to remove it. */
export type TestDatabase<DB> = { database: Database<DB>; drop: () => Promise<void> };

export type TestDatabaseTarget = {
  dialect: Dialect;
  open: <DB>(service: string) => Promise<TestDatabase<DB>>;
};

async function openSqlite<DB>(service: string): Promise<TestDatabase<DB>> {
  const dir = mkdtempSync(join(tmpdir(), `portico-${service}-`));
  const database = createDatabase<DB>({ url: join(dir, `${service}.db`), service });
  return {
    database,
    drop: async () => {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function openPostgres<DB>(adminUrl: string, service: string): Promise<TestDatabase<DB>> {
  const name = `portico_test_${service.replaceAll('-', '_')}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = createDatabase<DB>({ url: url.toString(), service, poolSize: 5 });
  return {
    database,
    drop: async () => {
      await database.close();
      const cleanup = new pg.Client({ connectionString: adminUrl });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}

/**
 * The databases a data-layer suite runs against: SQLite always, and PostgreSQL
 * when `TEST_DATABASE_URL` is set (a fresh database per suite, dropped after).
 * Without it the PostgreSQL run is skipped, and this says so once.
 */
export function testDatabaseTargets(env = process.env): TestDatabaseTarget[] {
  const targets: TestDatabaseTarget[] = [{ dialect: 'sqlite', open: openSqlite }];
  const adminUrl = env.TEST_DATABASE_URL;
  if (adminUrl)
    targets.push({ dialect: 'postgres', open: (service) => openPostgres(adminUrl, service) });
  else process.stderr.write('PostgreSQL data-layer runs skipped: TEST_DATABASE_URL is not set.\n');
  return targets;
}
