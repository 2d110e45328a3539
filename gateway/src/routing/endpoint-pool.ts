import type { Logger } from '@portico/logging';
import { Pool } from 'undici';
import type { GatewayMetrics } from '../observability/metrics.js';
import { CircuitBreaker } from '../resilience/circuit-breaker.js';

/**
 * Idle pooled sockets are closed after this long. It must stay below the
 * upstreams' keep-alive timeout (Node's default 5 s), or the gateway reuses a
 * socket the upstream is closing and the request is reset.
 */
const IDLE_SOCKET_TIMEOUT_MS = 4_000;

/** One URL of an upstream: its keep-alive sockets and its passive health. */
export type Endpoint = {
  /** Its place in the pool: forwarders keep one set of proxy options per endpoint. */
  readonly index: number;
  readonly url: string;
  /** As metrics, logs and `/readyz` name it: the upstream, and with replicas its host too. */
  readonly label: string;
  /** Its keep-alive connections (undici): every try to this URL goes through it. */
  readonly dispatcher: Pool;
  /**
   * Passive health: after `failureThreshold` faults in a row (no answer, a
   * timeout, a 5xx other than 503 + Retry-After) the endpoint is out of the
   * rotation; after `halfOpenAfterMs` one trial request decides whether it is back.
   */
  readonly breaker: CircuitBreaker;
};

export type EndpointPool = {
  readonly name: string;
  readonly endpoints: readonly Endpoint[];
  /**
   * The next endpoint in round-robin order that admits the call identified by
   * `token` (an ejected one admits only its trial call), or undefined when none does.
   */
  readonly pick: (token: object) => Endpoint | undefined;
  /** Whether some endpoint other than `except` would be tried now: a retry has somewhere to go. */
  readonly hasAlternative: (except: Endpoint) => boolean;
  /** Seconds until the first ejected endpoint may take a trial call, for `Retry-After`. */
  readonly retryAfterSeconds: () => number;
  readonly close: () => void;
};

export type EndpointPoolOptions = {
  name: string;
  urls: readonly string[];
  breaker: { failureThreshold: number; halfOpenAfterMs: number };
  /** A trial that never reports frees its slot after this long (the upstream's timeout). */
  trialTimeoutMs: number;
  metrics: GatewayMetrics;
  logger: Logger;
};

/**
 * One upstream's URLs, balanced round-robin with passive health. Each endpoint
 * has its own circuit breaker, which is its health: an endpoint that keeps
 * failing is skipped, so two replicas without a load balancer in front share
 * the traffic and either takes all of it while the other is down.
 */
export function createEndpointPool(options: EndpointPoolOptions): EndpointPool {
  const { name, urls, metrics, logger } = options;
  const endpoints: Endpoint[] = urls.map((url, index) => {
    const label = urls.length === 1 ? name : `${name}@${new URL(url).host}`;
    const breaker = new CircuitBreaker({
      ...options.breaker,
      trialTimeoutMs: options.trialTimeoutMs,
      onStateChange: (state) => {
        metrics.breakerState(label, state);
        logger.warn(
          { upstream: name, endpoint: url, state },
          'upstream circuit breaker changed state',
        );
      },
    });
    metrics.breakerState(label, breaker.state);
    return {
      index,
      url,
      label,
      dispatcher: new Pool(url, {
        keepAliveTimeout: IDLE_SOCKET_TIMEOUT_MS,
        // A URL that does not accept a connection in this long counts as unreachable.
        connect: { timeout: options.trialTimeoutMs },
      }),
      breaker,
    };
  });
  let next = 0;

  return {
    name,
    endpoints,
    pick: (token) => {
      // One endpoint, the common case: no rotation to keep.
      if (endpoints.length === 1) {
        const only = endpoints[0]!;
        return only.breaker.admit(token) ? only : undefined;
      }
      for (let seen = 0; seen < endpoints.length; seen += 1) {
        const endpoint = endpoints[next]!;
        next = (next + 1) % endpoints.length;
        if (endpoint.breaker.admit(token)) return endpoint;
      }
      return undefined;
    },
    hasAlternative: (except) =>
      endpoints.some((endpoint) => endpoint !== except && endpoint.breaker.state === 'closed'),
    retryAfterSeconds: () =>
      Math.min(...endpoints.map((endpoint) => endpoint.breaker.retryAfterSeconds())),
    close: () => {
      for (const endpoint of endpoints) void endpoint.dispatcher.destroy();
    },
  };
}
