import { DB_ERRORS, decodeCursor, page } from '@portico/db';
import { BadRequestError } from '@portico/errors';
import type { SpecRequest, SpecResponse } from '@portico/lifecycle';
import type { operations } from '@portico/openapi/order';
import { callerOf, requireUser } from '@portico/token-auth';
import { Router } from 'express';
import { type OrderRepository, orderCursorKey } from '../data/order-repository.js';
import type { OrderWatch } from '../domain/order-watch.js';
import type { Orders } from '../domain/orders.js';
import { orderEvents } from './order-events.js';
import type { StreamSlots } from './stream-slots.js';

type PlaceOrder = operations['placeOrder'];
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

  router.post('/', async (req: SpecRequest<PlaceOrder>, res: SpecResponse<PlaceOrder>) => {
    const key = req.get('idempotency-key');
    const { order, replayed } = await orders.place(callerOf(req).sub, req.body.items, key);
    res
      .status(202)
      .location(`/api/v1/orders/${order.id}`)
      .set(replayed ? { 'idempotent-replayed': 'true' } : {})
      .json(order);
  });

  router.get('/', async (req: SpecRequest<ListOrders>, res: SpecResponse<ListOrders>) => {
    const limit = Number(req.query.limit ?? 20);
    const after = decodeCursor(req.query.cursor as string | undefined);
    if (after !== undefined && !/^\d+\|[0-9a-f-]{36}$/.test(after)) {
      throw new BadRequestError('The cursor is not valid.', DB_ERRORS.INVALID_CURSOR.code);
    }
    const rows = await repository.listForUser(callerOf(req).sub, limit + 1, after);
    res.json(page(rows, limit, orderCursorKey));
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
