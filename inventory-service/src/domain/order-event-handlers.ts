import type { Handlers } from '@portico/events';
import type { InventoryDatabase } from '../data/schema.js';
import { releaseStock } from './release-stock.js';
import { reserveStock } from './reserve-stock.js';
import { ORDER_CANCELLED, ORDER_CREATED } from './saga-contracts.js';

/** What inventory does with the order service's events; each runs in the inbox's transaction. */
export function orderEventHandlers(now: () => number): Handlers<InventoryDatabase> {
  return {
    [ORDER_CREATED]: reserveStock(now),
    [ORDER_CANCELLED]: releaseStock(now),
  };
}
