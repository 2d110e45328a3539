import { errorCatalogue } from './catalogue.js';

/**
 * The codes every Portico process may answer: the error classes' defaults,
 * body-parser and OpenAPI-validator failures, and the masked 5xx.
 */
export const COMMON_ERRORS = errorCatalogue({
  BAD_REQUEST: { status: 400, meaning: 'The request could not be read.' },
  MALFORMED_JSON: { status: 400, meaning: 'The body is not valid JSON.' },
  VALIDATION_FAILED: { status: 400, meaning: 'The request does not match the OpenAPI spec.' },
  REQUEST_ABORTED: { status: 400, meaning: 'The client aborted the request while sending it.' },
  BAD_CONTENT_LENGTH: { status: 400, meaning: 'The body does not match its Content-Length.' },
  UNAUTHORIZED: { status: 401, meaning: 'Authentication is required.' },
  FORBIDDEN: { status: 403, meaning: 'The caller may not do this.' },
  NOT_FOUND: { status: 404, meaning: 'No such resource.' },
  ROUTE_NOT_FOUND: { status: 404, meaning: 'No route matches the method and path.' },
  METHOD_NOT_ALLOWED: { status: 405, meaning: 'The path exists, not for this method (see Allow).' },
  CONFLICT: { status: 409, meaning: 'The request conflicts with the current state.' },
  PAYLOAD_TOO_LARGE: { status: 413, meaning: 'The body is larger than allowed.' },
  TOO_MANY_PARAMETERS: { status: 413, meaning: 'The form has too many parameters.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, meaning: 'The body is not of the documented media type.' },
  UNSUPPORTED_ENCODING: { status: 415, meaning: 'The Content-Encoding is not supported.' },
  UNSUPPORTED_CHARSET: { status: 415, meaning: 'The charset is not supported.' },
  UNPROCESSABLE: { status: 422, meaning: 'The request is well formed but cannot be carried out.' },
  RATE_LIMITED: { status: 429, meaning: 'Too many requests; try again after Retry-After.' },
  INTERNAL: { status: 500, meaning: 'An unexpected error; its detail is masked.' },
  BAD_GATEWAY: { status: 502, meaning: 'An upstream gave no usable answer.' },
  SERVICE_UNAVAILABLE: { status: 503, meaning: 'Not available now; try again after Retry-After.' },
  UPSTREAM_TIMEOUT: { status: 504, meaning: 'An upstream did not answer in time.' },
});
