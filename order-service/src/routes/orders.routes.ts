import type { SpecRequest, SpecResponse } from '@portico/lifecycle';
import type { operations } from '@portico/openapi/order';
import { callerOf, requireUser } from '@portico/token-auth';
import { Router } from 'express';
import type { OrderRepository } from '../data/order-repository.js';
import type { OrderWatch } from '../domain/order-watch.js';
import type { Orders } from '../domain/orders.js';
import { orderEvents } from './order-events.js';
import { readOrderPage } from './order-page.js';
import { placeOrder } from './place-order.js';
import type { StreamSlots } from './stream-slots.js';

type ListOrders = operations['listOrders'];
type GetOrder = operations['getOrder'];
type CancelOrder = operations['cancelOrder'];

/** `/api/v1/orders`, behind `requireAuth`; bodies and parameters were validated against openapi/order.yaml. */
export function orderRoutes(deps: {
  orders: Orders;
  repository: OrderRepository;
  watch: OrderWatch;
  slots: StreamSlots;
}): Router {
  const { orders, repository } = deps;
  const router = Router();
  router.use(requireUser);

  router.post('/', placeOrder(orders));

  router.get('/', async (req: SpecRequest<ListOrders>, res: SpecResponse<ListOrders>) => {
    const limit = Number(req.query.limit ?? 20);
    const cursor = req.query.cursor as string | undefined;
    res.json(await readOrderPage(repository, callerOf(req).sub, { limit, cursor }));
  });

  router.get('/:id', async (req: SpecRequest<GetOrder>, res: SpecResponse<GetOrder>) => {
    res.json(await orders.get(req.params.id, callerOf(req)));
  });

  router.get('/:id/events', orderEvents(deps));

  router.post(
    '/:id/cancel',
    async (req: SpecRequest<CancelOrder>, res: SpecResponse<CancelOrder>) => {
      res.json(await orders.cancel(req.params.id, callerOf(req)));
    },
  );

  return router;
}
