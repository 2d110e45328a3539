import type { SpecRequest, SpecResponse } from '@portico/lifecycle';
import type { operations } from '@portico/openapi/order';
import { callerOf, requireUser } from '@portico/token-auth';
import { Router } from 'express';
import type { OrderRepository } from '../data/order-repository.js';
import type { Orders } from '../domain/orders.js';
import { readOrderPage } from './order-page.js';
import { placeOrder } from './place-order.js';

type ListOrdersV2 = operations['listOrdersV2'];

/** The next page's path and query, which a client follows as it is. */
const nextPage = (limit: number, cursor: string | null) =>
  cursor === null
    ? null
    : `/api/v2/orders?${new URLSearchParams({ limit: String(limit), cursor })}`;

/**
 * `/api/v2/orders`, behind `requireAuth`: v1's collection with the list paged
 * as `data` and `links` (the only change of v2); one order, its events and
 * cancelling stay under `/api/v1/orders/{id}`.
 */
export function ordersV2Routes(deps: { orders: Orders; repository: OrderRepository }): Router {
  const router = Router();
  router.use(requireUser);
  router.post('/', placeOrder(deps.orders));
  router.get('/', async (req: SpecRequest<ListOrdersV2>, res: SpecResponse<ListOrdersV2>) => {
    const limit = Number(req.query.limit ?? 20);
    const cursor = req.query.cursor as string | undefined;
    const { items, nextCursor } = await readOrderPage(deps.repository, callerOf(req).sub, {
      limit,
      cursor,
    });
    res.json({ data: items, links: { next: nextPage(limit, nextCursor) } });
  });
  return router;
}
