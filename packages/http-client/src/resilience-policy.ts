import {
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  handleWhen,
  type IPolicy,
  retry,
  TimeoutStrategy,
  timeout,
  wrap,
} from 'cockatiel';
import {
  describeFailure,
  isConnectionError,
  isTimeout,
  RETRYABLE_STATUSES,
  statusOf,
} from './failure-kinds.js';
import type { ServiceClientOptions } from './types.js';

export type ResiliencePolicy = {
  /** retry → breaker → per-try timeout, for idempotent calls. */
  retrying: IPolicy;
  /** breaker → timeout: one try only, sharing the same breaker. */
  once: IPolicy;
  halfOpenAfterMs: number;
};

const STATE_NAMES: Record<CircuitState, string> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

const noAnswer = (err: Error) => isConnectionError(err) || isTimeout(err);

/** Builds the cockatiel policies of one client, i.e. of one upstream. */
export function createResiliencePolicy(options: ServiceClientOptions): ResiliencePolicy {
  const { name, logger } = options;
  const halfOpenAfterMs = options.breaker?.halfOpenAfterMs ?? 5000;

  // A 4xx is the caller's problem and says the upstream is healthy, so it resets the count.
  const breaker = circuitBreaker(
    handleWhen(noAnswer).orWhenResult((r) => statusOf(r) >= 500),
    {
      halfOpenAfter: halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(options.breaker?.consecutiveFailures ?? 5),
    },
  );
  // Aggressive: stop waiting at the deadline; the aborted signal then cancels the socket.
  const perTry = timeout(options.timeoutMs, TimeoutStrategy.Aggressive);
  const retryPolicy = retry(
    handleWhen(noAnswer).orWhenResult((r) => RETRYABLE_STATUSES.has(statusOf(r))),
    {
      maxAttempts: options.retries,
      backoff: new ExponentialBackoff({
        initialDelay: options.backoff?.initialDelayMs ?? 100,
        maxDelay: options.backoff?.maxDelayMs ?? 1000,
      }),
    },
  );

  if (logger) {
    retryPolicy.onRetry((e) => {
      const reason = 'error' in e ? describeFailure(e.error) : `status ${statusOf(e.value)}`;
      logger.warn(
        { upstream: name, attempt: e.attempt, delayMs: e.delay, reason },
        'retrying upstream call',
      );
    });
    breaker.onStateChange((state) => {
      logger.warn(
        { upstream: name, state: STATE_NAMES[state] },
        'upstream circuit breaker changed state',
      );
    });
  }

  return {
    retrying: wrap(retryPolicy, breaker, perTry),
    once: wrap(breaker, perTry),
    halfOpenAfterMs,
  };
}
