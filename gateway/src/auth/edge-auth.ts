import { ForbiddenError, HttpError, UnauthorizedError } from '@portico/errors';
import {
  bearerToken,
  type Caller,
  InvalidTokenError,
  TOKEN_AUTH_ERRORS,
  type TokenVerifier,
} from '@portico/token-auth';
import { GATEWAY_ERRORS } from '../errors.js';
import type { Exchange } from '../exchange.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import type { Stage } from '../pipeline.js';
import { bearerChallenge, invalidToken, sendProblem } from '../problems.js';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

function refuse(exchange: Exchange, error: HttpError): false {
  sendProblem(exchange, error);
  return false;
}

/** Runs `stage`, then `next` if it passed: synchronously when the stage was. */
function then(
  stage: Stage,
  exchange: Exchange,
  next: () => boolean | Promise<boolean>,
): boolean | Promise<boolean> {
  const passed = stage(exchange);
  if (passed === true) return next();
  if (passed === false) return false;
  return passed.then((pass) => (pass ? next() : false));
}

/**
 * Verifies the caller's access token at the edge. The verifier remembers a
 * verified token by its SHA-256 until it expires, so each token's signature is
 * checked once, not on every request; a remembered one is admitted without
 * leaving this tick. A token it must check in full, and a missing or malformed
 * one, first counts against the client address (`countCheck`), so a flood of
 * forged tokens is refused with 429 before it costs a verification each.
 * Services verify again: the gateway's word is never their proof of identity.
 */
export function checkToken(deps: {
  verifier: TokenVerifier;
  metrics: GatewayMetrics;
  countCheck: Stage;
}): Stage {
  const admit = (exchange: Exchange, caller: Caller): boolean => {
    const { role, scope } = exchange.route;
    // A `scope` route is for machine clients: a service token granted the scope.
    if (scope !== undefined) {
      if (caller.kind !== 'service' || !caller.scopes.includes(scope)) {
        return refuse(
          exchange,
          new ForbiddenError(
            `This needs a service token with the "${scope}" scope.`,
            GATEWAY_ERRORS.INSUFFICIENT_SCOPE.code,
            {
              headers: {
                'www-authenticate': `Bearer error="insufficient_scope", scope="${scope}"`,
              },
            },
          ),
        );
      }
    } else if (caller.kind !== 'user') {
      return refuse(
        exchange,
        new ForbiddenError(
          'Service tokens are not accepted here.',
          TOKEN_AUTH_ERRORS.USER_TOKEN_REQUIRED.code,
        ),
      );
    } else if (role !== undefined && !caller.roles.includes(role)) {
      return refuse(
        exchange,
        new ForbiddenError(`This needs the "${role}" role.`, TOKEN_AUTH_ERRORS.ROLE_REQUIRED.code),
      );
    }
    exchange.caller = caller;
    return true;
  };

  return (exchange) => {
    const { access } = exchange.route;
    const header = exchange.req.headers.authorization;
    if (access === 'public') return true;
    if (access === 'public-read' && header === undefined && READS.has(exchange.req.method ?? ''))
      return true;
    const token = bearerToken(header);
    if (!token) {
      return then(deps.countCheck, exchange, () =>
        refuse(
          exchange,
          header
            ? invalidToken('A bearer token is required.')
            : new UnauthorizedError(
                'A bearer token is required.',
                TOKEN_AUTH_ERRORS.TOKEN_REQUIRED.code,
                {
                  headers: bearerChallenge(),
                },
              ),
        ),
      );
    }
    const cached = deps.verifier.cached(token);
    if (cached) {
      deps.metrics.cache('token', 'hit');
      return admit(exchange, cached);
    }
    deps.metrics.cache('token', 'miss');
    return then(deps.countCheck, exchange, () => verify(exchange, token));
  };

  function verify(exchange: Exchange, token: string): Promise<boolean> {
    return deps.verifier.verify(token).then(
      (caller) => admit(exchange, caller),
      (error: unknown) => {
        if (error instanceof InvalidTokenError) {
          return refuse(exchange, invalidToken(error.message));
        }
        if (error instanceof HttpError) return refuse(exchange, error);
        throw error;
      },
    );
  }
}
