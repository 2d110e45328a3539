import { type ProductRepository, SkuTakenError } from '../data/product-repository.js';

const DEMO = [
  { sku: 'SKU-KEYBOARD', name: 'Mechanical keyboard', priceCents: 8900, stock: 100 },
  { sku: 'SKU-MOUSE', name: 'Wireless mouse', priceCents: 2900, stock: 200 },
  { sku: 'SKU-MONITOR', name: '27" monitor', priceCents: 24900, stock: 25 },
  { sku: 'SKU-CABLE', name: 'USB-C cable', priceCents: 900, stock: 1000 },
];

/** Creates the demo catalogue once; products already there are left as they are. */
export async function seedDemoProducts(products: ProductRepository): Promise<void> {
  for (const product of DEMO) {
    try {
      await products.insert(product);
    } catch (error) {
      if (!(error instanceof SkuTakenError)) throw error;
    }
  }
}
