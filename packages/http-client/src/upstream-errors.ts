import { GatewayTimeoutError, HttpError, ServiceUnavailableError } from '@portico/errors';
import { isBrokenCircuitError } from 'cockatiel';
import { isConnectionError, isTimeout } from './failure-kinds.js';

/** Codes of the errors this package throws; stable, documented in the README. */
export const UPSTREAM_UNAVAILABLE = 'UPSTREAM_UNAVAILABLE';
export const UPSTREAM_TIMEOUT = 'UPSTREAM_TIMEOUT';
export const AUTH_UNAVAILABLE = 'AUTH_UNAVAILABLE';

const CODES: ReadonlySet<string> = new Set([
  UPSTREAM_UNAVAILABLE,
  UPSTREAM_TIMEOUT,
  AUTH_UNAVAILABLE,
]);

/**
 * True for the errors a service client throws when an upstream (or the auth
 * service) gave no usable answer: breaker open, unreachable, timed out.
 */
export function isUpstreamError(
  err: unknown,
): err is ServiceUnavailableError | GatewayTimeoutError {
  return err instanceof HttpError && CODES.has(err.code);
}

/**
 * Maps a failure of the resilience policy to an error the service's error
 * middleware renders. The detail names the upstream only: a base URL may carry
 * credentials or internal hostnames. Unknown errors (bugs) pass through.
 */
export function toUpstreamError(
  err: unknown,
  ctx: { name: string; timeoutMs: number; halfOpenAfterMs: number },
): unknown {
  const retryAfter = ctx.halfOpenAfterMs / 1000;
  if (isBrokenCircuitError(err)) {
    return new ServiceUnavailableError(
      `Upstream "${ctx.name}" is unavailable (circuit open).`,
      UPSTREAM_UNAVAILABLE,
      retryAfter,
      err,
    );
  }
  if (isTimeout(err)) {
    return new GatewayTimeoutError(
      `Upstream "${ctx.name}" did not answer within ${ctx.timeoutMs} ms.`,
      UPSTREAM_TIMEOUT,
    );
  }
  if (isConnectionError(err)) {
    return new ServiceUnavailableError(
      `Upstream "${ctx.name}" is unreachable.`,
      UPSTREAM_UNAVAILABLE,
      retryAfter,
      err,
    );
  }
  return err;
}
