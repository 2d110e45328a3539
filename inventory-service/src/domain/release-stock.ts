import type { Handler } from '@portico/events';
import { createProductRepository } from '../data/product-repository.js';
import { createReservationRepository } from '../data/reservation-repository.js';
import type { InventoryDatabase } from '../data/schema.js';
import { quantitiesBySku } from './reserve-stock.js';
import { parseOrderCancelled, STOCK_RELEASED, type StockReleased } from './saga-contracts.js';

/**
 * `order.cancelled`: give back what the order holds, once. An order not seen
 * yet is remembered as cancelled, so its `order.created`, arriving late,
 * reserves nothing. Released, rejected and cancelled orders need nothing.
 */
export function releaseStock(now: () => number): Handler<InventoryDatabase> {
  return async (trx, event, emit) => {
    const { orderId } = parseOrderCancelled(event);
    const reservations = createReservationRepository(trx, now);
    const held = await reservations.find(orderId);
    if (!held) {
      await reservations.insert({ orderId, state: 'cancelled', items: [] });
      return;
    }
    // The state moves first: of two racing releases only one matches 'reserved'.
    if (
      held.state !== 'reserved' ||
      !(await reservations.transition(orderId, 'reserved', 'released'))
    )
      return;
    const products = createProductRepository(trx, now);
    for (const [sku, quantity] of quantitiesBySku(held.items))
      await products.giveBack(sku, quantity);
    const items = held.items.map(({ sku, quantity }) => ({ sku, quantity }));
    await emit(STOCK_RELEASED, { orderId, items } satisfies StockReleased);
  };
}
