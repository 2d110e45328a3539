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
  constructor(detail: string, code = 'BAD_REQUEST', options?: Options) {
    super(400, code, 'Bad Request', detail, options);
  }
}

export class UnauthorizedError extends HttpError {
  constructor(detail = 'Authentication is required.', code = 'UNAUTHORIZED', options?: Options) {
    super(401, code, 'Unauthorized', detail, options);
  }
}

export class ForbiddenError extends HttpError {
  constructor(detail = 'You are not allowed to do this.', code = 'FORBIDDEN', options?: Options) {
    super(403, code, 'Forbidden', detail, options);
  }
}

export class NotFoundError extends HttpError {
  constructor(detail = 'No such resource.', code = 'NOT_FOUND', options?: Options) {
    super(404, code, 'Not Found', detail, options);
  }
}

export class ConflictError extends HttpError {
  constructor(detail: string, code = 'CONFLICT', options?: Options) {
    super(409, code, 'Conflict', detail, options);
  }
}

export class PayloadTooLargeError extends HttpError {
  constructor(detail = 'The request body is too large.', code = 'PAYLOAD_TOO_LARGE') {
    super(413, code, 'Payload Too Large', detail);
  }
}

export class UnsupportedMediaTypeError extends HttpError {
  constructor(
    detail = 'The request body must be application/json.',
    code = 'UNSUPPORTED_MEDIA_TYPE',
  ) {
    super(415, code, 'Unsupported Media Type', detail);
  }
}

export class UnprocessableError extends HttpError {
  constructor(detail: string, code = 'UNPROCESSABLE', options?: Options) {
    super(422, code, 'Unprocessable Content', detail, options);
  }
}

export class TooManyRequestsError extends HttpError {
  constructor(retryAfterSeconds: number, detail = 'Too many requests.', code = 'RATE_LIMITED') {
    super(429, code, 'Too Many Requests', detail, {
      headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
    });
  }
}

export class ServiceUnavailableError extends HttpError {
  constructor(
    detail: string,
    code = 'SERVICE_UNAVAILABLE',
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
  constructor(detail: string, code = 'UPSTREAM_TIMEOUT', retryAfterSeconds = 1) {
    super(504, code, 'Gateway Timeout', detail, {
      headers: { 'retry-after': String(retryAfterSeconds) },
    });
  }
}

export class BadGatewayError extends HttpError {
  constructor(detail: string, code = 'BAD_GATEWAY', retryAfterSeconds = 1) {
    super(502, code, 'Bad Gateway', detail, {
      headers: { 'retry-after': String(retryAfterSeconds) },
    });
  }
}
