import { NotFoundError } from '@portico/errors';
import { requireAuth, requireScope, type TokenVerifier } from '@portico/token-auth';
import { Router } from 'express';
import type { AccountRepository } from '../data/account-repository.js';

/** `/internal/v1/*`: only other services, holding a service token with the right scope. */
export function internalRoutes(deps: {
  accounts: AccountRepository;
  verifier: TokenVerifier;
}): Router {
  const router = Router();
  router.use(requireAuth(deps.verifier));

  router.get('/accounts/:id', requireScope('accounts:read'), async (req, res) => {
    const account = await deps.accounts.findById(req.params.id as string);
    if (!account) throw new NotFoundError('No such account.');
    const { id, email, name, roles, status } = account;
    res.json({ id, email, name, roles, status });
  });

  return router;
}
