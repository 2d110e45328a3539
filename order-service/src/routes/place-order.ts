import type { SpecRequest, SpecResponse } from '@portico/lifecycle';
import type { operations } from '@portico/openapi/order';
import { callerOf } from '@portico/token-auth';
import type { Orders } from '../domain/orders.js';

type PlaceOrder = operations['placeOrder' | 'placeOrderV2'];

/**
 * `POST /api/v1/orders` and `POST /api/v2/orders`, the same operation: the
 * order is one resource whatever version placed it, so its Location is v1's.
 */
export function placeOrder(orders: Orders) {
  return async (req: SpecRequest<PlaceOrder>, res: SpecResponse<PlaceOrder>) => {
    const key = req.get('idempotency-key');
    const { order, replayed } = await orders.place(callerOf(req).sub, req.body.items, key);
    res
      .status(202)
      .location(`/api/v1/orders/${order.id}`)
      .set(replayed ? { 'idempotent-replayed': 'true' } : {})
      .json(order);
  };
}
