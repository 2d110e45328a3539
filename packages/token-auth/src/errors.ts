import { errorCatalogue } from '@portico/errors';

/** The codes of the bearer-token checks every service and the gateway run. */
export const TOKEN_AUTH_ERRORS = errorCatalogue({
  TOKEN_REQUIRED: { status: 401, meaning: 'No bearer token was presented.' },
  INVALID_TOKEN: { status: 401, meaning: 'The bearer token is malformed, expired or not ours.' },
  ROLE_REQUIRED: { status: 403, meaning: 'The user lacks the role the operation needs.' },
  USER_TOKEN_REQUIRED: { status: 403, meaning: "A service token where a user's is needed." },
  SCOPE_REQUIRED: { status: 403, meaning: 'The service token lacks the scope needed.' },
  AUTH_KEYS_UNAVAILABLE: {
    status: 503,
    meaning: "The auth service's key set cannot be fetched to verify the token.",
  },
});
