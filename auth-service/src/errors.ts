import { errorCatalogue } from '@portico/errors';

/**
 * The problem codes the auth service answers itself; the packages' codes
 * (TOKEN_AUTH_ERRORS, COMMON_ERRORS) come on top. An OAuthError's code is its
 * RFC 6749 `error` in capitals (oauth-errors.ts), so those are listed here too.
 */
export const AUTH_ERRORS = errorCatalogue({
  PASSWORD_TOO_COMMON: { status: 400, meaning: 'The password is among the most breached ones.' },
  INVALID_REQUEST: { status: 400, meaning: 'OAuth: a parameter is missing or malformed.' },
  INVALID_GRANT: { status: 400, meaning: 'OAuth: the code or refresh token is not valid here.' },
  UNSUPPORTED_GRANT_TYPE: { status: 400, meaning: 'OAuth: no such grant_type.' },
  UNSUPPORTED_TOKEN_TYPE: { status: 400, meaning: 'OAuth: service tokens cannot be revoked.' },
  INVALID_SCOPE: { status: 400, meaning: 'OAuth: a scope the client may not ask for.' },
  INVALID_CREDENTIALS: { status: 401, meaning: 'Wrong email or password, or a disabled account.' },
  INVALID_REFRESH_TOKEN: {
    status: 401,
    meaning: 'The refresh token is unknown, spent or revoked.',
  },
  INVALID_CLIENT: { status: 401, meaning: 'OAuth: client authentication failed.' },
  ACCOUNT_DISABLED: { status: 403, meaning: "The caller's account is disabled." },
  INSUFFICIENT_SCOPE: { status: 403, meaning: 'The access token lacks the openid scope.' },
  EMAIL_TAKEN: { status: 409, meaning: 'An account with this email exists.' },
  LOGIN_THROTTLED: { status: 429, meaning: 'Too many login attempts for this email or address.' },
  REGISTRATION_THROTTLED: { status: 429, meaning: 'Too many registrations from this address.' },
  ROTATION_THROTTLED: { status: 429, meaning: 'The signing keys were rotated moments ago.' },
  AUTH_BUSY: { status: 503, meaning: 'Too many password hashes are waiting; nothing was written.' },
});
