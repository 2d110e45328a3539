import { createHash, timingSafeEqual } from 'node:crypto';
import { ForbiddenError, UnauthorizedError } from '@portico/errors';
import type { Request } from 'express';
import { GATEWAY_ERRORS } from '../errors.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Who may read `/metrics` and the readiness detail (Node version, breaker
 * states, traffic per route: a map for an attacker, issue 12). With
 * `METRICS_TOKEN` set, whoever presents it as a bearer token; without it, only
 * a peer on the loopback interface (`npm start`, a sidecar, a port-forward), so
 * a gateway bound to `0.0.0.0` does not publish them to the network.
 */
export function opsAccess(metricsToken: string | undefined) {
  const expected = metricsToken === undefined ? undefined : digest(metricsToken);

  /** Why `req` may not read them, or undefined when it may. */
  const refusal = (req: Request): Error | undefined => {
    if (expected === undefined) {
      return LOOPBACK.has(req.socket.remoteAddress ?? '')
        ? undefined
        : new ForbiddenError(
            'Metrics are served to loopback peers only; set METRICS_TOKEN to read them from elsewhere.',
            GATEWAY_ERRORS.OPS_LOOPBACK_ONLY.code,
          );
    }
    const header = req.headers.authorization ?? '';
    const presented = header.startsWith('Bearer ') ? digest(header.slice(7)) : undefined;
    return presented !== undefined && timingSafeEqual(presented, expected)
      ? undefined
      : new UnauthorizedError(
          'Metrics need the METRICS_TOKEN bearer token.',
          GATEWAY_ERRORS.METRICS_TOKEN_REQUIRED.code,
          {
            headers: { 'www-authenticate': 'Bearer realm="metrics"' },
          },
        );
  };

  return {
    refusal,
    allowed: (req: Request): boolean => refusal(req) === undefined,
  };
}
