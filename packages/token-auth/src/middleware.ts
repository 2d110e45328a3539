import { ForbiddenError, UnauthorizedError } from '@portico/errors';
import type { Request, RequestHandler } from 'express';
import type { Caller } from './caller.js';
import { TOKEN_AUTH_ERRORS } from './errors.js';
import { InvalidTokenError, type TokenVerifier } from './verifier.js';

// RFC 7235 §2.1: the scheme is case-insensitive and 1*SP separates it from the token68.
const BEARER = /^Bearer +([A-Za-z0-9_.~+/=-]+)$/i;
const BEARER_SCHEME = /^Bearer(?: |$)/i;

/** RFC 6750 §3: tell the client how to authenticate, and why it failed. */
function challenge(error?: string, description?: string): Record<string, string> {
  const parts = ['Bearer realm="portico"'];
  if (error) parts.push(`error="${error}"`);
  if (description) parts.push(`error_description="${description.replaceAll('"', "'")}"`);
  return { 'www-authenticate': parts.join(', ') };
}

/** Extracts the bearer token from an Authorization header, or null. */
export function bearerToken(header: string | undefined): string | null {
  const match = header ? BEARER.exec(header) : null;
  return match ? match[1]! : null;
}

/** Verifies the bearer token and sets `req.caller`; otherwise a 401 problem with a challenge. */
export function requireAuth(verifier: TokenVerifier): RequestHandler {
  return async (req, _res, next) => {
    const header = req.headers.authorization;
    const token = bearerToken(header);
    if (!token) {
      // RFC 6750 §3.1: a malformed bearer token is `invalid_token`; another scheme
      // (Basic, ...) is a request without bearer credentials, so no error code.
      throw header && BEARER_SCHEME.test(header)
        ? new UnauthorizedError(
            'The bearer token is malformed.',
            TOKEN_AUTH_ERRORS.INVALID_TOKEN.code,
            {
              headers: challenge('invalid_token', 'The bearer token is malformed.'),
            },
          )
        : new UnauthorizedError(
            'A bearer token is required.',
            TOKEN_AUTH_ERRORS.TOKEN_REQUIRED.code,
            {
              headers: challenge(),
            },
          );
    }
    try {
      req.caller = await verifier.verify(token);
    } catch (error) {
      if (!(error instanceof InvalidTokenError)) throw error;
      throw new UnauthorizedError(error.message, TOKEN_AUTH_ERRORS.INVALID_TOKEN.code, {
        headers: challenge('invalid_token', error.message),
      });
    }
    next();
  };
}

/** The verified caller of a request that passed `requireAuth`. */
export function callerOf(req: Request): Caller {
  if (!req.caller) throw new UnauthorizedError();
  return req.caller;
}

/** Only end users holding `role` pass; service tokens never do. */
export function requireRole(role: string): RequestHandler {
  return (req, _res, next) => {
    const caller = callerOf(req);
    if (caller.kind !== 'user' || !caller.roles.includes(role)) {
      throw new ForbiddenError(
        `This needs the "${role}" role.`,
        TOKEN_AUTH_ERRORS.ROLE_REQUIRED.code,
      );
    }
    next();
  };
}

/** Only end users pass: a service token is not a user's access token. */
export const requireUser: RequestHandler = (req, _res, next) => {
  if (callerOf(req).kind !== 'user')
    throw new ForbiddenError(
      'This needs a user token.',
      TOKEN_AUTH_ERRORS.USER_TOKEN_REQUIRED.code,
    );
  next();
};

/** Only service tokens granted `scope` pass (the `/internal/` API). */
export function requireScope(scope: string): RequestHandler {
  return (req, _res, next) => {
    const caller = callerOf(req);
    if (caller.kind !== 'service' || !caller.scopes.includes(scope)) {
      throw new ForbiddenError(
        `This needs a service token with the "${scope}" scope.`,
        TOKEN_AUTH_ERRORS.SCOPE_REQUIRED.code,
        {
          headers: { 'www-authenticate': `Bearer error="insufficient_scope", scope="${scope}"` },
        },
      );
    }
    next();
  };
}
