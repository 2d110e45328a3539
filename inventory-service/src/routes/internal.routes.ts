import { NotFoundError } from '@portico/errors';
import type { SpecRequest, SpecResponse } from '@portico/lifecycle';
import type { operations } from '@portico/openapi/inventory';
import { requireScope } from '@portico/token-auth';
import { Router } from 'express';
import type { ReservationRepository } from '../data/reservation-repository.js';
import { INVENTORY_ERRORS } from '../errors.js';

type GetReservation = operations['getReservation'];

/** `/internal/v1/*` behind `requireAuth`: read-only views for other services and operators. */
export function internalRoutes(deps: { reservations: ReservationRepository }): Router {
  const router = Router();
  router.get(
    '/reservations/:orderId',
    requireScope('inventory:read'),
    async (req: SpecRequest<GetReservation>, res: SpecResponse<GetReservation>) => {
      const reservation = await deps.reservations.find(req.params.orderId);
      if (!reservation)
        throw new NotFoundError(
          'Inventory has not heard of this order.',
          INVENTORY_ERRORS.RESERVATION_NOT_FOUND.code,
        );
      res.json(reservation);
    },
  );
  return router;
}
