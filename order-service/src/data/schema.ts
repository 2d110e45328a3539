/** The order service's tables. Times are epoch milliseconds; money is integer cents. */
export type OrderDatabase = {
  orders: OrderRow;
};

export type OrderStatus = 'pending' | 'confirmed' | 'rejected' | 'cancelled';

export type OrderRow = {
  id: string;
  user_id: string;
  status: OrderStatus;
  /** JSON: `[{sku, quantity, unitPriceCents?}]`. */
  items: string;
  total_cents: number | null;
  reason: string | null;
  /** JSON: `[{status, at, detail?}]`, the saga's steps. */
  history: string;
  created_at: number;
  updated_at: number;
};
