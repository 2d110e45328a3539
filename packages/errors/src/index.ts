export { type ErrorCatalogue, type ErrorCode, errorCatalogue } from './catalogue.js';
export { COMMON_ERRORS } from './common-errors.js';
export { undocumentedCodes } from './documented-codes.js';
export { notFoundHandler, problemErrorHandler, toClientProblem } from './error-handler.js';
export {
  BadGatewayError,
  BadRequestError,
  ConflictError,
  ForbiddenError,
  GatewayTimeoutError,
  HttpError,
  NotFoundError,
  PayloadTooLargeError,
  ServiceUnavailableError,
  TooManyRequestsError,
  UnauthorizedError,
  UnprocessableError,
  UnsupportedMediaTypeError,
} from './http-errors.js';
export {
  PROBLEM_CONTENT_TYPE,
  type Problem,
  problemFrom,
  problemType,
  writeProblem,
} from './problem.js';
