import { decodeCursor, page } from '@portico/db';
import { ConflictError, NotFoundError } from '@portico/errors';
import type { SpecRequest, SpecResponse } from '@portico/lifecycle';
import type { operations } from '@portico/openapi/user';
import { callerOf, requireRole, requireUser } from '@portico/token-auth';
import { Router } from 'express';
import type { Profiles } from '../domain/profiles.js';
import { USER_ERRORS } from '../errors.js';

type ListUsers = operations['listUsers'];
type GetMe = operations['getMe'];
type UpdateMe = operations['updateMe'];
type GetUser = operations['getUser'];
type SetStatus = operations['disableUser'] | operations['enableUser'];

/** `/api/v1/users/*`, behind `requireAuth`; bodies and parameters were validated against openapi/user.yaml. */
export function userRoutes(profiles: Profiles): Router {
  const router = Router();
  router.use(requireUser);

  router.get(
    '/',
    requireRole('admin'),
    async (req: SpecRequest<ListUsers>, res: SpecResponse<ListUsers>) => {
      const limit = Number(req.query.limit ?? 20);
      const rows = await profiles.list(
        limit + 1,
        decodeCursor(req.query.cursor as string | undefined),
      );
      res.json(page(rows, limit, (p) => p.id));
    },
  );

  router.get('/me', async (req: SpecRequest<GetMe>, res: SpecResponse<GetMe>) => {
    res.json(await profiles.get(callerOf(req).sub));
  });

  router.patch('/me', async (req: SpecRequest<UpdateMe>, res: SpecResponse<UpdateMe>) => {
    res.json(await profiles.updateName(callerOf(req).sub, req.body.name));
  });

  // Someone else's profile is a 404 to a non-admin, so ids do not leak.
  router.get('/:id', async (req: SpecRequest<GetUser>, res: SpecResponse<GetUser>) => {
    const caller = callerOf(req);
    const { id } = req.params;
    if (caller.kind !== 'user' || (caller.sub !== id && !caller.roles.includes('admin'))) {
      throw new NotFoundError('No such user.', USER_ERRORS.USER_NOT_FOUND.code);
    }
    res.json(await profiles.get(id));
  });

  router.post(
    '/:id/disable',
    requireRole('admin'),
    async (req: SpecRequest<SetStatus>, res: SpecResponse<SetStatus>) => {
      // Only an admin disables, and never themselves: so the last active admin remains (issue 12).
      if (callerOf(req).sub === req.params.id) {
        throw new ConflictError(
          'An admin cannot disable their own account; another admin can.',
          USER_ERRORS.CANNOT_DISABLE_SELF.code,
        );
      }
      res.json(await profiles.disable(req.params.id));
    },
  );

  router.post(
    '/:id/enable',
    requireRole('admin'),
    async (req: SpecRequest<SetStatus>, res: SpecResponse<SetStatus>) => {
      res.json(await profiles.enable(req.params.id));
    },
  );

  return router;
}
