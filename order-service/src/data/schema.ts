import type { EventTables } from '@portico/events';

/** The order service's tables. Times are epoch milliseconds; money is integer cents. */
export type OrderDatabase = EventTables & {
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
  /** The client's `Idempotency-Key`, unique per user, and a hash of the body it came with. */
  idempotency_key: string | null;
  request_hash: string | null;
  created_at: number;
  updated_at: number;
};
