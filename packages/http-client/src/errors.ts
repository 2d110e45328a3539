import { errorCatalogue } from '@portico/errors';

/** The codes of the errors a service client throws; its caller's problem handler renders them. */
export const HTTP_CLIENT_ERRORS = errorCatalogue({
  UPSTREAM_UNAVAILABLE: {
    status: 503,
    meaning: 'The upstream is unreachable or its circuit is open.',
  },
  UPSTREAM_TIMEOUT: { status: 504, meaning: 'The upstream did not answer in time.' },
  UPSTREAM_BAD_RESPONSE: { status: 502, meaning: 'The upstream sent malformed JSON.' },
  AUTH_UNAVAILABLE: {
    status: 503,
    meaning: 'No service token could be had from the auth service.',
  },
});
