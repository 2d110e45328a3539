import { errorCatalogue } from '@portico/errors';

/**
 * The problem codes the user service answers itself; the packages' codes
 * (TOKEN_AUTH_ERRORS, HTTP_CLIENT_ERRORS, DB_ERRORS, COMMON_ERRORS) come on top.
 */
export const USER_ERRORS = errorCatalogue({
  USER_NOT_FOUND: { status: 404, meaning: 'No such user, or not the caller’s to see.' },
  CANNOT_DISABLE_SELF: { status: 409, meaning: 'An admin cannot disable their own account.' },
});
