import { COMMON_ERRORS } from './common-errors.js';

/**
 * An error that maps to one HTTP status and a stable, documented `code`.
 * Handlers throw these; the error middleware renders them as RFC 9457 problems.
 */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  /** Extra response headers (`Retry-After`, `WWW-Authenticate`, ...). */
  readonly headers: Readonly<Record<string, string>>;
  /** Extra members of the problem document (RFC 9457 §3.2). */
  readonly extensions: Readonly<Record<string, unknown>>;

  constructor(
    status: number,
    code: string,
    title: string,
    detail?: string,
    options: {
      headers?: Record<string, string>;
      extensions?: Record<string, unknown>;
      cause?: unknown;
    } = {},
  ) {
    super(detail ?? title, { cause: options.cause });
    this.name = new.target.name;
    this.status = status;
    this.code = code;
    this.title = title;
    this.headers = options.headers ?? {};
    this.extensions = options.extensions ?? {};
  }
}

type Options = ConstructorParameters<typeof HttpError>[4];

export class BadRequestError extends HttpError {
  constructor(detail: string, code: string = COMMON_ERRORS.BAD_REQUEST.code, options?: Options) {
    super(400, code, 'Bad Request', detail, options);
  }
}

export class UnauthorizedError extends HttpError {
  constructor(
    detail = 'Authentication is required.',
    code: string = COMMON_ERRORS.UNAUTHORIZED.code,
    options?: Options,
  ) {
    super(401, code, 'Unauthorized', detail, options);
  }
}

export class ForbiddenError extends HttpError {
  constructor(
    detail = 'You are not allowed to do this.',
    code: string = COMMON_ERRORS.FORBIDDEN.code,
    options?: Options,
  ) {
    super(403, code, 'Forbidden', detail, options);
  }
}

export class NotFoundError extends HttpError {
  constructor(
    detail = 'No such resource.',
    code: string = COMMON_ERRORS.NOT_FOUND.code,
    options?: Options,
  ) {
    super(404, code, 'Not Found', detail, options);
  }
}

export class ConflictError extends HttpError {
  constructor(detail: string, code: string = COMMON_ERRORS.CONFLICT.code, options?: Options) {
    super(409, code, 'Conflict', detail, options);
  }
}

export class PayloadTooLargeError extends HttpError {
  constructor(
    detail = 'The request body is too large.',
    code: string = COMMON_ERRORS.PAYLOAD_TOO_LARGE.code,
  ) {
    super(413, code, 'Payload Too Large', detail);
  }
}

export class UnsupportedMediaTypeError extends HttpError {
  constructor(
    detail = 'The request body must be application/json.',
    code: string = COMMON_ERRORS.UNSUPPORTED_MEDIA_TYPE.code,
  ) {
    super(415, code, 'Unsupported Media Type', detail);
  }
}

export class UnprocessableError extends HttpError {
  constructor(detail: string, code: string = COMMON_ERRORS.UNPROCESSABLE.code, options?: Options) {
    super(422, code, 'Unprocessable Content', detail, options);
  }
}

export class TooManyRequestsError extends HttpError {
  constructor(
    retryAfterSeconds: number,
    detail = 'Too many requests.',
    code: string = COMMON_ERRORS.RATE_LIMITED.code,
  ) {
    super(429, code, 'Too Many Requests', detail, {
      headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
    });
  }
}

export class ServiceUnavailableError extends HttpError {
  constructor(
    detail: string,
    code: string = COMMON_ERRORS.SERVICE_UNAVAILABLE.code,
    retryAfterSeconds = 5,
    cause?: unknown,
  ) {
    super(503, code, 'Service Unavailable', detail, {
      headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
      cause,
    });
  }
}

export class GatewayTimeoutError extends HttpError {
  constructor(
    detail: string,
    code: string = COMMON_ERRORS.UPSTREAM_TIMEOUT.code,
    retryAfterSeconds = 1,
  ) {
    super(504, code, 'Gateway Timeout', detail, {
      headers: { 'retry-after': String(retryAfterSeconds) },
    });
  }
}

export class BadGatewayError extends HttpError {
  constructor(
    detail: string,
    code: string = COMMON_ERRORS.BAD_GATEWAY.code,
    retryAfterSeconds = 1,
  ) {
    super(502, code, 'Bad Gateway', detail, {
      headers: { 'retry-after': String(retryAfterSeconds) },
    });
  }
}
