import { migrateToLatest, type TestDatabase, testDatabaseTargets } from '@portico/db';
import { sql } from 'kysely';
import { migrations } from '../src/data/migrations.js';
import { createProductRepository, SkuTakenError } from '../src/data/product-repository.js';
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
    ).rejects.toThrow();
    expect((await products.find('NEG'))?.available).toBe(1);
  });
});
