import { ForbiddenError } from '@portico/errors';
import { callerOf, TOKEN_AUTH_ERRORS } from '@portico/token-auth';
import type { RequestHandler } from 'express';
import type { AccountRepository } from '../data/account-repository.js';
import { AUTH_ERRORS } from '../errors.js';

/**
 * After `requireRole('admin')`: the token's roles claim is up to 15 minutes
 * old, so the account must still be active and an admin in the database now.
 * A disabled or demoted admin loses these powers at once (issue 12).
 */
export function requireCurrentAdmin(accounts: AccountRepository): RequestHandler {
  return async (req, _res, next) => {
    const account = await accounts.findById(callerOf(req).sub);
    if (account?.status !== 'active') {
      throw new ForbiddenError('This account is disabled.', AUTH_ERRORS.ACCOUNT_DISABLED.code);
    }
    if (!account.roles.includes('admin')) {
      throw new ForbiddenError(
        'This needs the "admin" role.',
        TOKEN_AUTH_ERRORS.ROLE_REQUIRED.code,
      );
    }
    next();
  };
}
