import { callerOf, requireUser } from '@portico/token-auth';
import { Router } from 'express';
import type { Profiles } from '../domain/profiles.js';

/** `/api/v1/users/*`, behind `requireAuth`. */
export function userRoutes(profiles: Profiles): Router {
  const router = Router();
  router.get('/me', requireUser, async (req, res) => {
    res.json(await profiles.get(callerOf(req).sub));
  });
  return router;
}
