import type { EventTables } from '@portico/events';

/** The inventory service's tables. Times are epoch milliseconds; money is integer cents. */
export type InventoryDatabase = EventTables & {
  products: ProductRow;
  reservations: ReservationRow;
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

/**
 * What inventory did for one order: `reserved` holds stock, `released` gave it
 * back, `rejected` never held any, `cancelled` heard of the cancellation first
 * (so a late `order.created` reserves nothing).
 */
export type ReservationState = 'reserved' | 'released' | 'rejected' | 'cancelled';

export type ReservationRow = {
  order_id: string;
  state: ReservationState;
  /** JSON `ReservationItem[]`: the order's lines, with unit prices once stock was held. */
  items: string;
  created_at: number;
  updated_at: number;
};
