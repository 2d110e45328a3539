import { isUniqueViolation } from '@portico/db';
import type { Kysely } from 'kysely';
import type { InventoryDatabase, ProductRow } from './schema.js';

export type Product = { sku: string; name: string; priceCents: number; available: number; reserved: number };

const toProduct = (row: ProductRow): Product => ({
  sku: row.sku,
  name: row.name,
  priceCents: row.price_cents,
  available: row.available,
  reserved: row.reserved,
});

export class SkuTakenError extends Error {}

export function createProductRepository(db: Kysely<InventoryDatabase>, now: () => number) {
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
