import { migrateToLatest, type TestDatabase, testDatabaseTargets } from '@portico/db';
import { sql } from 'kysely';
import { migrations } from '../src/data/migrations.js';
import {
  createProductRepository,
  SkuTakenError,
  StockMovedError,
} from '../src/data/product-repository.js';
import type { InventoryDatabase } from '../src/data/schema.js';

describe.each(testDatabaseTargets())('inventory data layer on $dialect', ({ open }) => {
  let target: TestDatabase<InventoryDatabase>;
  beforeAll(async () => {
    target = await open<InventoryDatabase>('inventory');
    await migrateToLatest(target.database.db, migrations);
  });
  afterAll(() => target.drop());

  it('when products are listed in pages, then each comes once, in sku order', async () => {
    const products = createProductRepository(target.database.db, Date.now);
    for (const sku of ['P-C', 'P-A', 'P-B'])
      await products.insert({ sku, name: sku, priceCents: 1, stock: 3 });
    const first = await products.list(2);
    const rest = await products.list(2, first.at(-1)!.sku);
    expect([...first, ...rest].map((p) => p.sku)).toEqual(['P-A', 'P-B', 'P-C']);
    expect(first[0]).toEqual({ sku: 'P-A', name: 'P-A', priceCents: 1, available: 3, reserved: 0 });
  });

  it('when a sku is taken, then inserting it again fails as SkuTakenError', async () => {
    const products = createProductRepository(target.database.db, Date.now);
    await products.insert({ sku: 'DUP', name: 'x', priceCents: 1, stock: 1 });
    await expect(
      products.insert({ sku: 'DUP', name: 'y', priceCents: 2, stock: 2 }),
    ).rejects.toBeInstanceOf(SkuTakenError);
  });

  it('when an update would make stock negative, then the database refuses it', async () => {
    const products = createProductRepository(target.database.db, Date.now);
    await products.insert({ sku: 'NEG', name: 'x', priceCents: 1, stock: 1 });
    await expect(
      target.database.db
        .updateTable('products')
        .set({ available: sql`available - 2` })
        .where('sku', '=', 'NEG')
        .execute(),
      // The code, not toThrow(): better-sqlite3 keeps the SqliteError class of the first
      // test file that loaded it, and jest's toThrow checks `instanceof` this file's Error.
    ).rejects.toMatchObject({ code: expect.stringMatching(/^(SQLITE_CONSTRAINT_CHECK|23514)$/) });
    expect((await products.find('NEG'))?.available).toBe(1);
  });

  it('when a hold asks for more than is available, then it fails as StockMovedError and nothing moves', async () => {
    const products = createProductRepository(target.database.db, Date.now);
    await products.insert({ sku: 'HOLD', name: 'x', priceCents: 1, stock: 2 });
    await products.hold('HOLD', 2);
    await expect(products.hold('HOLD', 1)).rejects.toBeInstanceOf(StockMovedError);
    await expect(products.giveBack('HOLD', 3)).rejects.toBeInstanceOf(StockMovedError);
    expect(await products.find('HOLD')).toMatchObject({ available: 0, reserved: 2 });
  });

  it('when a product is restocked and renamed, then the row changes and the product comes back', async () => {
    const products = createProductRepository(target.database.db, Date.now);
    await products.insert({ sku: 'UPD', name: 'x', priceCents: 1, stock: 2 });
    expect(await products.update('UPD', { restock: 3, name: 'y' })).toEqual({
      sku: 'UPD',
      name: 'y',
      priceCents: 1,
      available: 5,
      reserved: 0,
    });
    expect(await products.update('UPD', { priceCents: 7 })).toMatchObject({
      priceCents: 7,
      available: 5,
    });
    expect(await products.update('GONE', { restock: 1 })).toBeUndefined();
  });
});
