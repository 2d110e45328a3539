import { decodeCursor, page } from '@portico/db';
import { BadRequestError, NotFoundError } from '@portico/errors';
import { callerOf, requireUser } from '@portico/token-auth';
import { Router } from 'express';
import { type OrderRepository, orderCursorKey } from '../data/order-repository.js';

/** `/api/v1/orders`, behind `requireAuth`. */
export function orderRoutes(orders: OrderRepository): Router {
  const router = Router();
  router.use(requireUser);

  router.get('/', async (req, res) => {
    const limit = Number(req.query.limit ?? 20);
    const after = decodeCursor(req.query.cursor as string | undefined);
    if (after !== undefined && !/^\d+\|[0-9a-f-]{36}$/.test(after)) {
      throw new BadRequestError('The cursor is not valid.', 'INVALID_CURSOR');
    }
    const rows = await orders.listForUser(callerOf(req).sub, limit + 1, after);
    res.json(page(rows, limit, orderCursorKey));
  });

  // Another user's order is a 404, not a 403, so order ids do not leak.
  router.get('/:id', async (req, res) => {
    const caller = callerOf(req);
    const order = await orders.find(req.params.id as string);
    const visible =
      order &&
      caller.kind === 'user' &&
      (order.userId === caller.sub || caller.roles.includes('admin'));
    if (!visible) throw new NotFoundError('No such order.', 'ORDER_NOT_FOUND');
    res.json(order);
  });

  return router;
}
