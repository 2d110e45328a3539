import { HttpError, toClientProblem } from '@portico/errors';
import type { ErrorRequestHandler } from 'express';

/** The `error` codes of RFC 6749 §5.2 and RFC 7009 / RFC 7662 that a token-style endpoint answers. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'unsupported_token_type';

const TITLES: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized' };

/**
 * An RFC 9457 problem that is also an RFC 6749 §5.2 error: `error` and
 * `error_description` ride along as extension members, so an OAuth client and
 * a Portico client each read the members they know.
 */
export class OAuthError extends HttpError {
  constructor(
    status: 400 | 401,
    error: OAuthErrorCode,
    description: string,
    options: { headers?: Record<string, string> } = {},
  ) {
    super(status, error.toUpperCase(), TITLES[status]!, description, {
      ...options,
      extensions: { error, error_description: description },
    });
  }
}

export const invalidClient = () =>
  new OAuthError(401, 'invalid_client', 'Client authentication failed.', {
    headers: { 'www-authenticate': 'Basic realm="portico"' },
  });
export const invalidGrant = (description: string) =>
  new OAuthError(400, 'invalid_grant', description);
export const invalidRequest = (description: string) =>
  new OAuthError(400, 'invalid_request', description);

const KNOWN: ReadonlySet<string> = new Set<OAuthErrorCode>([
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'unsupported_token_type',
]);

/**
 * Renders every client error of an OAuth endpoint (token, revocation,
 * introspection) as `application/json` with `error` and `error_description`:
 * RFC 6749 §5.2 names that media type, and openid-client (oauth4webapi)
 * refuses an error body of any other, `application/problem+json` included.
 * Errors raised before the handler (the spec validator, the body parser) get
 * an `error` here too: `invalid_client` for a 401, `invalid_request` for a 400.
 * Other statuses (413, 415, 429, 5xx) are not RFC 6749 errors: they go on to
 * the ordinary problem handler.
 */
export const oauthErrorHandler: ErrorRequestHandler = (err, req, res, next) => {
  const known = toClientProblem(err);
  const status = known?.problem.status;
  if (!known || (status !== 400 && status !== 401) || res.headersSent) {
    next(err);
    return;
  }
  const { problem, headers } = known;
  const fromCode = problem.code.toLowerCase();
  const error =
    typeof problem.error === 'string'
      ? problem.error
      : KNOWN.has(fromCode)
        ? fromCode
        : problem.status === 401
          ? 'invalid_client'
          : 'invalid_request';
  res
    .status(problem.status)
    .set(headers)
    .set('cache-control', 'no-store')
    .json({
      ...problem,
      error,
      error_description: problem.error_description ?? problem.detail,
      instance: req.originalUrl.split('?')[0],
    });
};
