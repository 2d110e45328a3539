import { requireScope } from '@portico/token-auth';
import { Router } from 'express';
import type { Profiles } from '../domain/profiles.js';

/** `/internal/v1/*`: other services, with a `users:read` service token. */
export function internalRoutes(profiles: Profiles): Router {
  const router = Router();
  router.get('/users/:id', requireScope('users:read'), async (req, res) => {
    res.json(await profiles.get(req.params.id as string));
  });
  return router;
}
