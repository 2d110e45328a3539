import { NotFoundError } from '@portico/errors';
import type { SpecRequest, SpecResponse } from '@portico/lifecycle';
import type { operations } from '@portico/openapi/auth';
import { requireAuth, requireScope, type TokenVerifier } from '@portico/token-auth';
import { Router } from 'express';
import type { AccountRepository } from '../data/account-repository.js';
import type { Revocations } from '../domain/revocations.js';

type GetAccount = operations['getAccountInternal'];
type ListRevocations = operations['listRevocationsInternal'];

/** `/internal/v1/*`: only other services, holding a service token with the right scope. */
export function internalRoutes(deps: {
  accounts: AccountRepository;
  revocations: Revocations;
  verifier: TokenVerifier;
}): Router {
  const router = Router();
  router.use(requireAuth(deps.verifier));

  router.get(
    '/accounts/:id',
    requireScope('accounts:read'),
    // `res` stays loosely typed: stored roles are free text, the spec's are an enum.
    async (req: SpecRequest<GetAccount>, res) => {
      const account = await deps.accounts.findById(req.params.id);
      if (!account) throw new NotFoundError('No such account.');
      const { id, email, name, roles, status } = account;
      res.json({ id, email, name, roles, status });
    },
  );

  // Every revocation still in force: a verifier seeds its list from it at start,
  // then follows the `auth` stream (packages/events, followRevocations).
  router.get(
    '/revocations',
    requireScope('revocations:read'),
    async (_req: SpecRequest<ListRevocations>, res: SpecResponse<ListRevocations>) => {
      res.set('cache-control', 'no-store').json(await deps.revocations.active());
    },
  );

  return router;
}
