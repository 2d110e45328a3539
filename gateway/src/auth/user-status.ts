import { ForbiddenError, ServiceUnavailableError } from '@portico/errors';
import type { UserStatus, UserStatusCache } from '@portico/user-directory';
import { GATEWAY_ERRORS } from '../errors.js';
import type { Exchange } from '../exchange.js';
import type { Stage } from '../pipeline.js';
import { invalidToken, sendProblem } from '../problems.js';

/** Refuses a caller whose account is disabled (403) or gone (401), after the token passed. */
export function checkUserStatus(statuses: UserStatusCache): Stage {
  const decide = (exchange: Exchange, status: UserStatus | undefined): boolean => {
    if (status === 'active') return true;
    const refusal =
      status === 'disabled'
        ? new ForbiddenError('This account is disabled.', GATEWAY_ERRORS.USER_DISABLED.code)
        : invalidToken('The token names an unknown user.');
    sendProblem(exchange, refusal);
    return false;
  };
  const check = async (exchange: Exchange): Promise<boolean> => {
    const caller = exchange.caller!;
    let status: UserStatus | undefined;
    try {
      status = await statuses.get(caller.sub);
    } catch (error) {
      // Nothing cached and user-service unreachable: fail closed, but say when to retry.
      const unavailable = new ServiceUnavailableError(
        'The user directory is unavailable.',
        GATEWAY_ERRORS.USER_LOOKUP_UNAVAILABLE.code,
        5,
        error,
      );
      sendProblem(exchange, unavailable);
      return false;
    }
    return decide(exchange, status);
  };
  return (exchange) => {
    // A service token (a `scope` route) names a client, not a user.
    if (exchange.caller?.kind !== 'user') return true;
    const status = statuses.cached(exchange.caller.sub);
    return status === undefined ? check(exchange) : decide(exchange, status);
  };
}
