/** The inventory service's tables. Times are epoch milliseconds; money is integer cents. */
export type InventoryDatabase = {
  products: ProductRow;
};

export type ProductRow = {
  sku: string;
  name: string;
  price_cents: number;
  available: number;
  reserved: number;
  created_at: number;
  updated_at: number;
};
