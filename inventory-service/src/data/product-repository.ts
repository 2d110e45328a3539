import { isUniqueViolation } from '@portico/db';
import { type Kysely, PostgresAdapter } from 'kysely';
import type { InventoryDatabase, ProductRow } from './schema.js';

export type Product = { sku: string; name: string; priceCents: number; available: number; reserved: number };

/** An admin's change: any of a new name, a new price, or stock to add. */
export type ProductChange = { name?: string; priceCents?: number; restock?: number };

const toProduct = (row: ProductRow): Product => ({
  sku: row.sku,
  name: row.name,
  priceCents: row.price_cents,
  available: row.available,
  reserved: row.reserved,
});

export class SkuTakenError extends Error {}

/**
 * A conditional stock update matched no row: someone moved the stock after it
 * was checked. Thrown inside a transaction so the whole of it rolls back.
 */
export class StockMovedError extends Error {
  constructor(sku: string) {
    super(`The stock of ${sku} changed under a reservation.`);
    this.name = 'StockMovedError';
  }
}

/** `db` may be a transaction: the saga's handlers move stock inside the inbox's one. */
export function createProductRepository(db: Kysely<InventoryDatabase>, now: () => number) {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;

  return {
    async find(sku: string): Promise<Product | undefined> {
      const row = await db.selectFrom('products').selectAll().where('sku', '=', sku).executeTakeFirst();
      return row && toProduct(row);
    },

    /** Up to `limit` products after `afterSku`, in sku order. */
    async list(limit: number, afterSku?: string): Promise<Product[]> {
      let query = db.selectFrom('products').selectAll().orderBy('sku', 'asc').limit(limit);
      if (afterSku !== undefined) query = query.where('sku', '>', afterSku);
      return (await query.execute()).map(toProduct);
    },

    /**
     * The products of `skus`, locked until the transaction ends on PostgreSQL
     * (SQLite has one writer). Locked in sku order, so two reservations that
     * share products cannot deadlock.
     */
    async lockAll(skus: readonly string[]): Promise<Map<string, Product>> {
      if (skus.length === 0) return new Map();
      let query = db.selectFrom('products').selectAll().where('sku', 'in', skus).orderBy('sku', 'asc');
      if (postgres) query = query.forUpdate();
      return new Map((await query.execute()).map((row) => [row.sku, toProduct(row)]));
    },

    /** Moves `quantity` from available to reserved, only if that much is available. */
    async hold(sku: string, quantity: number): Promise<void> {
      const result = await db
        .updateTable('products')
        .set((eb) => ({
          available: eb('available', '-', quantity),
          reserved: eb('reserved', '+', quantity),
          updated_at: now(),
        }))
        .where('sku', '=', sku)
        .where('available', '>=', quantity)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) throw new StockMovedError(sku);
    },

    /** Moves `quantity` back from reserved to available. */
    async giveBack(sku: string, quantity: number): Promise<void> {
      const result = await db
        .updateTable('products')
        .set((eb) => ({
          available: eb('available', '+', quantity),
          reserved: eb('reserved', '-', quantity),
          updated_at: now(),
        }))
        .where('sku', '=', sku)
        .where('reserved', '>=', quantity)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) throw new StockMovedError(sku);
    },

    /** Applies an admin's change; undefined when there is no such product. */
    async update(sku: string, change: ProductChange): Promise<Product | undefined> {
      const { name, priceCents, restock } = change;
      const row = await db
        .updateTable('products')
        .set((eb) => ({
          ...(name !== undefined && { name }),
          ...(priceCents !== undefined && { price_cents: priceCents }),
          ...(restock !== undefined && { available: eb('available', '+', restock) }),
          updated_at: now(),
        }))
        .where('sku', '=', sku)
        .returningAll()
        .executeTakeFirst();
      return row && toProduct(row);
    },

    /** Throws SkuTakenError when the sku exists. */
    async insert(product: { sku: string; name: string; priceCents: number; stock: number }): Promise<Product> {
      const at = now();
      const row: ProductRow = {
        sku: product.sku,
        name: product.name,
        price_cents: product.priceCents,
        available: product.stock,
        reserved: 0,
        created_at: at,
        updated_at: at,
      };
      try {
        await db.insertInto('products').values(row).execute();
      } catch (error) {
        if (isUniqueViolation(error)) throw new SkuTakenError(product.sku);
        throw error;
      }
      return toProduct(row);
    },
  };
}

export type ProductRepository = ReturnType<typeof createProductRepository>;
