import { errorCatalogue } from '@portico/errors';

/** The codes of the data layer's answers to a client. */
export const DB_ERRORS = errorCatalogue({
  INVALID_CURSOR: { status: 400, meaning: 'The page cursor decodes to no cursor.' },
});
