import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import pg from 'pg';

/** The four services with a database, by the name of their SQLite file and event source. */
export const STORES = ['auth', 'user', 'order', 'inventory'] as const;
export type Store = (typeof STORES)[number];

/** Where a service keeps its data: a SQLite file under DATA_DIR or a PostgreSQL URL. */
export type Locate = (store: Store) => { sqlite: string } | { postgres: string };

export const sqliteIn =
  (dir: string): Locate =>
  (store) => ({ sqlite: join(dir, `${store}.db`) });

type Row = Record<string, unknown>;

/** Runs read-only SELECTs against one service's database, whichever kind it is. */
async function select(where: ReturnType<Locate>, queries: string[]): Promise<Row[][]> {
  if ('sqlite' in where) {
    const db = new Sqlite(where.sqlite, { readonly: true, fileMustExist: true });
    try {
      return queries.map((q) => db.prepare(q).all() as Row[]);
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: where.postgres });
  await client.connect();
  try {
    const results: Row[][] = [];
    for (const q of queries) results.push((await client.query(q)).rows as Row[]);
    return results;
  } finally {
    await client.end();
  }
}

export type Event = { id: string; type: string; data: Record<string, unknown> };
export type Ledger = Record<
  Store,
  { outbox: Event[]; inbox: { id: string; source: string }[]; deadLetters: number }
> & {
  orders: {
    id: string;
    status: string;
    history: { status: string; at: string; detail?: string }[];
  }[];
  reservations: { orderId: string; state: string }[];
  accounts: string[];
  profiles: string[];
};

/** Everything the exactly-once checks read, straight from every service's tables (each produces and consumes). */
export async function readLedger(locate: Locate): Promise<Ledger> {
  const ledger = {} as Ledger;
  for (const store of STORES) {
    const [outbox = [], inbox = [], dead = []] = await select(locate(store), [
      'select id, type, data from outbox order by seq',
      'select event_id, source from inbox',
      'select count(*) as n from dead_letters',
    ]);
    ledger[store] = {
      outbox: outbox.map((r) => ({
        id: String(r.id),
        type: String(r.type),
        data: JSON.parse(String(r.data)) as Record<string, unknown>,
      })),
      inbox: inbox.map((r) => ({ id: String(r.event_id), source: String(r.source) })),
      deadLetters: Number(dead[0]?.n ?? 0),
    };
  }
  const [orders = []] = await select(locate('order'), ['select id, status, history from orders']);
  const [reservations = []] = await select(locate('inventory'), [
    'select order_id, state from reservations',
  ]);
  const [accounts = []] = await select(locate('auth'), ['select id from accounts']);
  const [profiles = []] = await select(locate('user'), ['select id from profiles']);
  ledger.orders = orders.map((r) => ({
    id: String(r.id),
    status: String(r.status),
    history: JSON.parse(String(r.history)),
  }));
  ledger.reservations = reservations.map((r) => ({
    orderId: String(r.order_id),
    state: String(r.state),
  }));
  ledger.accounts = accounts.map((r) => String(r.id));
  ledger.profiles = profiles.map((r) => String(r.id));
  return ledger;
}
