import { type EventEnvelope, eventData } from '@portico/events';
import { z } from 'zod';

/**
 * inventory-service's side of the order saga (docs/architecture.md, "The order saga"):
 * what it reads from the `order` source and what it answers on `inventory`.
 * Readers are tolerant: fields this service does not use are not required.
 */
export const ORDER_SOURCE = 'order';

export const ORDER_CREATED = 'order.created';
export const ORDER_CANCELLED = 'order.cancelled';
export const STOCK_RESERVED = 'stock.reserved';
export const STOCK_REJECTED = 'stock.rejected';
export const STOCK_RELEASED = 'stock.released';

// Loose 8-4-4-4-12 hex, as the OpenAPI `uuid` format checks it.
const orderId = z.guid();

const orderCreated = z.object({
  orderId,
  items: z
    .array(z.object({ sku: z.string().min(1), quantity: z.number().int().positive() }))
    .min(1),
});

const orderCancelled = z.object({ orderId });

export type OrderCreated = z.infer<typeof orderCreated>;
export type OrderCancelled = z.infer<typeof orderCancelled>;

export type StockReserved = {
  orderId: string;
  /** The order's lines as it sent them, each with the price it was reserved at. */
  items: { sku: string; quantity: number; unitPriceCents: number }[];
  /** Σ quantity × unitPriceCents. */
  totalCents: number;
};

export type RejectionCode = 'OUT_OF_STOCK' | 'UNKNOWN_SKU' | 'ORDER_CANCELLED';
export type StockRejected = { orderId: string; code: RejectionCode; reason: string };
export type StockReleased = { orderId: string; items: { sku: string; quantity: number }[] };

export const parseOrderCreated = (event: EventEnvelope) => eventData(orderCreated, event);
export const parseOrderCancelled = (event: EventEnvelope) => eventData(orderCancelled, event);
