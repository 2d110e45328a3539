import { NotFoundError } from '@portico/errors';
import { requireScope } from '@portico/token-auth';
import { Router } from 'express';
import type { ReservationRepository } from '../data/reservation-repository.js';

/** `/internal/v1/*` behind `requireAuth`: read-only views for other services and operators. */
export function internalRoutes(deps: { reservations: ReservationRepository }): Router {
  const router = Router();
  router.get('/reservations/:orderId', requireScope('inventory:read'), async (req, res) => {
    const reservation = await deps.reservations.find(req.params.orderId as string);
    if (!reservation)
      throw new NotFoundError('Inventory has not heard of this order.', 'RESERVATION_NOT_FOUND');
    res.json(reservation);
  });
  return router;
}
