import { decodeCursor, page } from '@portico/db';
import { BadRequestError } from '@portico/errors';
import { callerOf, requireUser } from '@portico/token-auth';
import { Router } from 'express';
import { type OrderRepository, orderCursorKey } from '../data/order-repository.js';
import type { OrderLine, Orders } from '../domain/orders.js';

/** `/api/v1/orders`, behind `requireAuth`; bodies and parameters were validated against openapi/order.yaml. */
export function orderRoutes(deps: { orders: Orders; repository: OrderRepository }): Router {
  const { orders, repository } = deps;
  const router = Router();
  router.use(requireUser);

  router.post('/', async (req, res) => {
    const key = req.get('idempotency-key');
    const { items } = req.body as { items: OrderLine[] };
    const { order, replayed } = await orders.place(callerOf(req).sub, items, key);
    res
      .status(202)
      .location(`/api/v1/orders/${order.id}`)
      .set(replayed ? { 'idempotent-replayed': 'true' } : {})
      .json(order);
  });

  router.get('/', async (req, res) => {
    const limit = Number(req.query.limit ?? 20);
    const after = decodeCursor(req.query.cursor as string | undefined);
    if (after !== undefined && !/^\d+\|[0-9a-f-]{36}$/.test(after)) {
      throw new BadRequestError('The cursor is not valid.', 'INVALID_CURSOR');
    }
    const rows = await repository.listForUser(callerOf(req).sub, limit + 1, after);
    res.json(page(rows, limit, orderCursorKey));
  });

  router.get('/:id', async (req, res) => {
    res.json(await orders.get(req.params.id as string, callerOf(req)));
  });

  router.post('/:id/cancel', async (req, res) => {
    res.json(await orders.cancel(req.params.id as string, callerOf(req)));
  });

  return router;
}
