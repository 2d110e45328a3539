import type { ErrorRequestHandler, RequestHandler } from 'express';
import { HttpError, NotFoundError } from './http-errors.js';
import { PROBLEM_CONTENT_TYPE, type Problem, problemFrom, problemType } from './problem.js';

type Logger = { error: (obj: object, msg: string) => void };

/** Errors thrown by body-parser carry a `type`; these are the client's fault. */
const BODY_PARSER_ERRORS: Record<string, { status: number; code: string; detail: string }> = {
  'entity.parse.failed': {
    status: 400,
    code: 'MALFORMED_JSON',
    detail: 'The request body is not valid JSON.',
  },
  'entity.too.large': {
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
    detail: 'The request body is too large.',
  },
  'encoding.unsupported': {
    status: 415,
    code: 'UNSUPPORTED_ENCODING',
    detail: 'The content encoding is not supported.',
  },
  'charset.unsupported': {
    status: 415,
    code: 'UNSUPPORTED_CHARSET',
    detail: 'The charset is not supported.',
  },
  'request.aborted': { status: 400, code: 'REQUEST_ABORTED', detail: 'The request was aborted.' },
  'request.size.invalid': {
    status: 400,
    code: 'BAD_CONTENT_LENGTH',
    detail: 'The body does not match its Content-Length.',
  },
  'stream.encoding.set': {
    status: 400,
    code: 'BAD_REQUEST',
    detail: 'The request stream could not be read.',
  },
  'parameters.too.many': {
    status: 413,
    code: 'TOO_MANY_PARAMETERS',
    detail: 'Too many form parameters.',
  },
};

/** express-openapi-validator reports failures as errors with a status and an `errors` list. */
const VALIDATOR_CODES: Record<number, string> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
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
    const { status, code, detail } = BODY_PARSER_ERRORS[type]!;
    return { problem: clientProblem(status, code, detail), headers: {} };
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
      problem: clientProblem(exposed.status, 'BAD_REQUEST', 'The request could not be read.'),
      headers: {},
    };
  }
  if (isValidatorError(err) && err.status < 500) {
    const code = VALIDATOR_CODES[err.status] ?? 'BAD_REQUEST';
    const errors = err.errors.map((e) => ({ path: e.path, message: e.message }));
    const detail = errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; ');
    return {
      problem: clientProblem(err.status, code, detail || err.message, { errors }),
      headers: allowHeader(err),
    };
  }
  return null;
}

const INTERNAL: Problem = clientProblem(500, 'INTERNAL', 'An unexpected error occurred.');

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
  next(new NotFoundError(`No route matches ${req.method} ${req.path}`, 'ROUTE_NOT_FOUND'));
};
