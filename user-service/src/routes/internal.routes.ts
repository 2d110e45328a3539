import type { SpecRequest, SpecResponse } from '@portico/lifecycle';
import type { operations } from '@portico/openapi/user';
import { requireScope } from '@portico/token-auth';
import { Router } from 'express';
import type { Profiles } from '../domain/profiles.js';

type GetUserInternal = operations['getUserInternal'];

/** `/internal/v1/*`: other services, with a `users:read` service token. */
export function internalRoutes(profiles: Profiles): Router {
  const router = Router();
  router.get(
    '/users/:id',
    requireScope('users:read'),
    async (req: SpecRequest<GetUserInternal>, res: SpecResponse<GetUserInternal>) => {
      res.json(await profiles.get(req.params.id));
    },
  );
  return router;
}
