import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { ErrorCode } from './catalogue.js';
import { COMMON_ERRORS } from './common-errors.js';
import { HttpError, NotFoundError } from './http-errors.js';
import { PROBLEM_CONTENT_TYPE, type Problem, problemFrom, problemType } from './problem.js';

type Logger = { error: (obj: object, msg: string) => void };

/** Errors thrown by body-parser carry a `type`; these are the client's fault. */
const BODY_PARSER_ERRORS: Record<string, { error: ErrorCode; detail: string }> = {
  'entity.parse.failed': {
    error: COMMON_ERRORS.MALFORMED_JSON,
    detail: 'The request body is not valid JSON.',
  },
  'entity.too.large': {
    error: COMMON_ERRORS.PAYLOAD_TOO_LARGE,
    detail: 'The request body is too large.',
  },
  'encoding.unsupported': {
    error: COMMON_ERRORS.UNSUPPORTED_ENCODING,
    detail: 'The content encoding is not supported.',
  },
  'charset.unsupported': {
    error: COMMON_ERRORS.UNSUPPORTED_CHARSET,
    detail: 'The charset is not supported.',
  },
  'request.aborted': { error: COMMON_ERRORS.REQUEST_ABORTED, detail: 'The request was aborted.' },
  'request.size.invalid': {
    error: COMMON_ERRORS.BAD_CONTENT_LENGTH,
    detail: 'The body does not match its Content-Length.',
  },
  'stream.encoding.set': {
    error: COMMON_ERRORS.BAD_REQUEST,
    detail: 'The request stream could not be read.',
  },
  'parameters.too.many': {
    error: COMMON_ERRORS.TOO_MANY_PARAMETERS,
    detail: 'Too many form parameters.',
  },
};

/** express-openapi-validator reports failures as errors with a status and an `errors` list. */
const VALIDATOR_CODES: Record<number, string> = {
  400: COMMON_ERRORS.VALIDATION_FAILED.code,
  401: COMMON_ERRORS.UNAUTHORIZED.code,
  403: COMMON_ERRORS.FORBIDDEN.code,
  404: COMMON_ERRORS.NOT_FOUND.code,
  405: COMMON_ERRORS.METHOD_NOT_ALLOWED.code,
  413: COMMON_ERRORS.PAYLOAD_TOO_LARGE.code,
  415: COMMON_ERRORS.UNSUPPORTED_MEDIA_TYPE.code,
};

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
};

type ValidatorError = {
  status: number;
  message: string;
  errors: { path?: string; message: string }[];
  headers?: Record<string, string>;
};

/**
 * A 405 must list the methods the path supports (RFC 9110 §15.5.6); the
 * validator puts them in `headers.Allow`. Every GET also answers HEAD
 * (lifecycle's validateAgainstSpec), so HEAD is listed beside it.
 */
function allowHeader(err: ValidatorError): Record<string, string> {
  const allow = err.status === 405 ? err.headers?.Allow : undefined;
  if (typeof allow !== 'string' || allow === '') return {};
  const methods = allow.split(',').map((m) => m.trim().toUpperCase());
  if (methods.includes('GET') && !methods.includes('HEAD')) methods.push('HEAD');
  return { allow: methods.join(', ') };
}

function isValidatorError(err: unknown): err is ValidatorError {
  const e = err as Partial<ValidatorError> | null;
  return typeof e?.status === 'number' && Array.isArray(e.errors);
}

function clientProblem(status: number, code: string, detail: string, extra: object = {}): Problem {
  return {
    type: problemType(code),
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    ...extra,
  };
}

/** Turns any thrown value into the problem the client may see; null means "a 5xx, mask it". */
export function toClientProblem(
  err: unknown,
): { problem: Problem; headers: Record<string, string> } | null {
  if (err instanceof HttpError) {
    return err.status >= 500 && err.status !== 502 && err.status !== 503 && err.status !== 504
      ? null
      : { problem: problemFrom(err), headers: { ...err.headers } };
  }
  const type = (err as { type?: unknown } | null)?.type;
  if (typeof type === 'string' && type in BODY_PARSER_ERRORS) {
    const { error, detail } = BODY_PARSER_ERRORS[type]!;
    return { problem: clientProblem(error.status, error.code, detail), headers: {} };
  }
  // Any other client error raised by body-parser or http-errors (a body that
  // fails to inflate, say) says so with `expose`; its status is the client's fault.
  const exposed = err as { expose?: unknown; status?: unknown } | null;
  if (
    exposed?.expose === true &&
    typeof exposed.status === 'number' &&
    exposed.status >= 400 &&
    exposed.status < 500 &&
    !isValidatorError(err)
  ) {
    return {
      problem: clientProblem(
        exposed.status,
        COMMON_ERRORS.BAD_REQUEST.code,
        'The request could not be read.',
      ),
      headers: {},
    };
  }
  if (isValidatorError(err) && err.status < 500) {
    const code = VALIDATOR_CODES[err.status] ?? COMMON_ERRORS.BAD_REQUEST.code;
    const errors = err.errors.map((e) => ({ path: e.path, message: e.message }));
    const detail = errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; ');
    return {
      problem: clientProblem(err.status, code, detail || err.message, { errors }),
      headers: allowHeader(err),
    };
  }
  return null;
}

const INTERNAL: Problem = clientProblem(
  COMMON_ERRORS.INTERNAL.status,
  COMMON_ERRORS.INTERNAL.code,
  'An unexpected error occurred.',
);

/**
 * The one error middleware of every express app: renders RFC 9457 problems,
 * and masks every unexpected 5xx so no stack, query or secret leaves the process.
 */
export function problemErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const known = toClientProblem(err);
    const path = req.originalUrl.split('?')[0];
    // The query string may carry tokens or emails; logs get the path only, as request logs do.
    if (!known) logger.error({ err, url: path }, 'unhandled error');
    const { problem, headers } = known ?? { problem: INTERNAL, headers: {} };
    res
      .status(problem.status)
      .set(headers)
      .set('cache-control', 'no-store')
      .set('x-content-type-options', 'nosniff')
      .type(PROBLEM_CONTENT_TYPE)
      .send(JSON.stringify({ ...problem, instance: path }));
  };
}

/** The last route of every app: anything unmatched is a 404 problem. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(
    new NotFoundError(
      `No route matches ${req.method} ${req.path}`,
      COMMON_ERRORS.ROUTE_NOT_FOUND.code,
    ),
  );
};
