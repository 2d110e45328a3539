import { TaskCancelledError } from 'cockatiel';

/**
 * Error codes meaning "no answer came back" (a per-try timeout is not one of
 * them): the call may be repeated if it is idempotent. The gateway's proxy
 * retries on the same codes.
 */
export const CONNECTION_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET', // also a pooled keep-alive socket the upstream closed as we reused it
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND', // a container not yet in DNS during a rollout
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Gateway-class answers that say "try again", as opposed to a bug upstream (500). */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

/** RFC 9110 §9.2.2: repeating these leaves the same state as sending them once. */
export const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set([
  'GET',
  'HEAD',
  'OPTIONS',
  'PUT',
  'DELETE',
]);

function codeOf(err: unknown): unknown {
  return (err as { code?: unknown } | null)?.code;
}

export function isConnectionError(err: unknown): boolean {
  if (CONNECTION_ERROR_CODES.has(codeOf(err) as string)) return true;
  // undici may wrap the socket error; Happy Eyeballs reports an AggregateError.
  const cause = (err as { cause?: unknown } | null)?.cause;
  if (cause && CONNECTION_ERROR_CODES.has(codeOf(cause) as string)) return true;
  return err instanceof AggregateError && err.errors.some(isConnectionError);
}

/** The per-try timeout fired. (cockatiel 3.2.1's isTaskCancelledError tests the wrong marker.) */
export function isTimeout(err: unknown): boolean {
  return err instanceof TaskCancelledError;
}

/** Status of a per-try result, for cockatiel's result filters. */
export function statusOf(result: unknown): number {
  return (result as { status?: number } | null)?.status ?? 0;
}

/** A short, credential-free label for a failed try, for logs. */
export function describeFailure(err: unknown): string {
  if (isTimeout(err)) return 'timeout';
  const code = codeOf(err) ?? codeOf((err as { cause?: unknown } | null)?.cause);
  return typeof code === 'string' ? code : 'error';
}
