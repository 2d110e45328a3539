import type { Emit, Handler } from '@portico/events';
import { createProductRepository, type Product } from '../data/product-repository.js';
import {
  createReservationRepository,
  type ReservationItem,
} from '../data/reservation-repository.js';
import type { InventoryDatabase } from '../data/schema.js';
import {
  parseOrderCreated,
  type RejectionCode,
  STOCK_REJECTED,
  STOCK_RESERVED,
  type StockRejected,
  type StockReserved,
} from './saga-contracts.js';

/** The quantity of each sku over all lines (an order may name a sku twice), in sku order. */
export function quantitiesBySku(
  items: readonly { sku: string; quantity: number }[],
): Map<string, number> {
  const totals = new Map<string, number>();
  for (const { sku, quantity } of items) totals.set(sku, (totals.get(sku) ?? 0) + quantity);
  return new Map([...totals].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Why the order cannot have its stock, or undefined when every line can be held. */
function refusal(wanted: Map<string, number>, products: Map<string, Product>) {
  const unknown = [...wanted.keys()].filter((sku) => !products.has(sku));
  if (unknown.length > 0)
    return { code: 'UNKNOWN_SKU' as const, reason: `No such product: ${unknown.join(', ')}.` };
  const short = [...wanted].filter(([sku, quantity]) => products.get(sku)!.available < quantity);
  if (short.length > 0) {
    const named = short.map(
      ([sku, quantity]) => `${sku} (${quantity} wanted, ${products.get(sku)!.available} available)`,
    );
    return { code: 'OUT_OF_STOCK' as const, reason: `Not enough stock for ${named.join(', ')}.` };
  }
  return undefined;
}

async function reject(
  emit: Emit,
  orderId: string,
  code: RejectionCode,
  reason: string,
): Promise<void> {
  await emit(STOCK_REJECTED, { orderId, code, reason } satisfies StockRejected);
}

/**
 * `order.created`: hold every line or none, in the inbox's one transaction.
 * Each order is answered once (its reservations row): a cancellation heard
 * first turns it into `ORDER_CANCELLED`; any other earlier outcome stands.
 * The products are locked before they are checked, so the check holds until
 * commit; the conditional update and the CHECK (available >= 0) guard it anyway.
 */
export function reserveStock(now: () => number): Handler<InventoryDatabase> {
  return async (trx, event, emit) => {
    const order = parseOrderCreated(event);
    const { orderId } = order;
    const reservations = createReservationRepository(trx, now);
    const earlier = await reservations.find(orderId);
    if (earlier) {
      if (earlier.state === 'cancelled')
        await reject(
          emit,
          orderId,
          'ORDER_CANCELLED',
          'The order was cancelled before its stock was reserved.',
        );
      return;
    }

    const wanted = quantitiesBySku(order.items);
    const products = createProductRepository(trx, now);
    const locked = await products.lockAll([...wanted.keys()]);
    const refused = refusal(wanted, locked);
    if (refused) {
      const asked: ReservationItem[] = order.items.map(({ sku, quantity }) => ({ sku, quantity }));
      await reservations.insert({ orderId, state: 'rejected', items: asked });
      await reject(emit, orderId, refused.code, refused.reason);
      return;
    }

    for (const [sku, quantity] of wanted) await products.hold(sku, quantity);
    const items = order.items.map(({ sku, quantity }) => ({
      sku,
      quantity,
      unitPriceCents: locked.get(sku)!.priceCents,
    }));
    await reservations.insert({ orderId, state: 'reserved', items });
    const totalCents = items.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0);
    await emit(STOCK_RESERVED, { orderId, items, totalCents } satisfies StockReserved);
  };
}
