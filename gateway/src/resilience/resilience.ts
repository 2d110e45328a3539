import type { IncomingMessage } from 'node:http';
import { CONNECTION_ERROR_CODES, IDEMPOTENT_METHODS } from '@portico/http-client';
import type { Logger } from '@portico/logging';
import { halfJitterGenerator, type IExponentialBackoffOptions } from 'cockatiel';
import type { Exchange } from '../exchange.js';
import { bufferBody } from '../limits/body-buffer.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import { circuitOpen, internalError, sendProblem } from '../problems.js';
import { hasBody } from '../proxy/headers.js';
import type { EndpointPool } from '../routing/endpoint-pool.js';

/** The upstream (or a proxy in front of it) says "not now": another instance may answer. */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([502, 503]);

/** 25–50 ms, 50–100 ms, 100–200 ms, … up to 0.5–1 s: exponential, with half jitter. */
const BACKOFF: IExponentialBackoffOptions<number> = {
  generator: halfJitterGenerator,
  initialDelay: 50,
  maxDelay: 1_000,
  exponent: 2,
};

/** An idempotent method, or a POST the client made safe to repeat with an `Idempotency-Key`. */
export function isRepeatable(req: IncomingMessage): boolean {
  const method = req.method ?? '';
  return (
    IDEMPOTENT_METHODS.has(method) ||
    (method === 'POST' && req.headers['idempotency-key'] !== undefined)
  );
}

/**
 * Whether the body is read whole before the first try. A body of unknown
 * length (chunked) always is, as nginx does by default
 * (`proxy_request_buffering`): its limit is checked before the upstream sees
 * a byte, and the upstream gets a Content-Length. A body that may be sent
 * twice is too, so a retry has it. Everything else streams.
 */
function readFirst(req: IncomingMessage, retries: number): boolean {
  if (!hasBody(req)) return false;
  return req.headers['content-length'] === undefined || (retries > 0 && isRepeatable(req));
}

/** What a try reports when it ends, so that the retry policy decides whether its answer stands. */
export type TryOutcome = {
  /**
   * The upstream answered `status` (`shedding`: a 503 with `Retry-After`).
   * True: discard the answer, a retry is scheduled.
   */
  answered: (exchange: Exchange, status: number, shedding: boolean) => boolean;
  /** The try failed before any answer (Node's or undici's error `code`). True: a retry is scheduled. */
  failed: (exchange: Exchange, code: string) => boolean;
};

/** Sends one try of the exchange to `exchange.endpoint`, and reports how it ended to `outcome`. */
export type SendTry = (exchange: Exchange, outcome: TryOutcome) => void;

export type ResilienceOptions = {
  name: string;
  /** Retries after the first try (UPSTREAM_RETRIES). */
  retries: number;
  /** The per-try timeout; no retry starts later than this after the request arrived. */
  timeoutMs: number;
  bodyLimitBytes: number;
  /** The upstream's endpoints; each try goes to the one it picks (`exchange.endpoint`). */
  pool: EndpointPool;
  metrics: GatewayMetrics;
  logger: Logger;
  /** How a try is made: an HTTP call (upstream.ts) or a WebSocket handshake. */
  send: SendTry;
};

/**
 * A route's forwarder: retries with backoff and a circuit breaker per endpoint
 * around `send`, which makes one try and reports its outcome. Each try goes to the pool's next endpoint, so a retry after a fault is
 * a failover when the upstream has replicas. A retry needs a repeatable request
 * (see `isRepeatable`) whose body can be sent again, a connection error or a
 * 502/503, attempts left, a closed circuit (this endpoint's or another's), a
 * client still waiting, and time: no retry starts more than `timeoutMs` after
 * the request arrived, so with the last try's own timeout a request ends within
 * 2 × UPSTREAM_TIMEOUT_MS. Retries are decided before the answer's head reaches
 * the client, so nothing is ever retried once a response has started streaming.
 * The common case (circuit closed, first try answers) allocates nothing here.
 */
export function withResilience(options: ResilienceOptions): (exchange: Exchange) => void {
  const { name, retries, timeoutMs, bodyLimitBytes, pool, metrics, logger, send } = options;

  const refuse = (exchange: Exchange): void => {
    metrics.breakerRejection(name);
    exchange.upstreamError = 'CIRCUIT_OPEN';
    sendProblem(exchange, circuitOpen(name, pool.retryAfterSeconds()));
  };

  /** Picks the endpoint for the next try; false (and the 503 sent) when none will take it. */
  const admitted = (exchange: Exchange): boolean => {
    const endpoint = pool.pick(exchange);
    if (endpoint === undefined) {
      refuse(exchange);
      return false;
    }
    exchange.endpoint = endpoint;
    return true;
  };

  const attempt = (exchange: Exchange): void => {
    exchange.tries += 1;
    send(exchange, outcome);
  };

  /** A try started from a timer or a stream event, where a throw would end the process. */
  const attemptLater = (exchange: Exchange): void => {
    try {
      attempt(exchange);
    } catch (error) {
      logger.error({ err: error, upstream: name }, 'proxy failed before the upstream call');
      sendProblem(exchange, internalError());
    }
  };

  const retryNow = (exchange: Exchange): void => {
    // The client left during the backoff: nobody waits for this answer.
    if (exchange.res.destroyed) return;
    if (admitted(exchange)) attemptLater(exchange);
  };

  const retry = (exchange: Exchange, reason: string | number): boolean => {
    const { req, res } = exchange;
    if (exchange.tries > retries || res.destroyed) return false;
    const endpoint = exchange.endpoint!;
    if (endpoint.breaker.state !== 'closed' && !pool.hasAlternative(endpoint)) return false;
    if (!isRepeatable(req) || (exchange.body === undefined && hasBody(req))) return false;
    const [delayMs] = BACKOFF.generator(exchange.tries - 1, BACKOFF);
    const elapsedMs = Number(process.hrtime.bigint() - exchange.startedAt) / 1e6;
    if (elapsedMs + delayMs > timeoutMs) return false;
    metrics.retry(name);
    logger.debug(
      { upstream: name, requestId: exchange.trace.requestId, try: exchange.tries, delayMs, reason },
      'retrying upstream call',
    );
    setTimeout(retryNow, delayMs, exchange);
    return true;
  };

  const outcome: TryOutcome = {
    answered: (exchange, status, shedding) => {
      // Only upstream faults count. A 4xx is the client's doing, and a 503 with
      // Retry-After is a live upstream refusing at once (its own queue is full, a
      // dependency of its is down): counting either would let one client's flood
      // open the circuit for everyone (issue 12).
      if (status < 500 || shedding) {
        exchange.endpoint!.breaker.succeeded(exchange);
        return shedding && retry(exchange, status);
      }
      exchange.endpoint!.breaker.failed(exchange);
      return RETRYABLE_STATUSES.has(status) && retry(exchange, status);
    },

    failed: (exchange, code) => {
      exchange.endpoint!.breaker.failed(exchange);
      return !exchange.timedOut && CONNECTION_ERROR_CODES.has(code) && retry(exchange, code);
    },
  };

  /** Starts the first try, unless every endpoint's circuit is open (then a 503 problem, upstream untouched). */
  return (exchange) => {
    if (!admitted(exchange)) return;
    if (exchange.body === undefined && readFirst(exchange.req, retries)) {
      bufferBody(exchange, bodyLimitBytes, (read) => read && attemptLater(exchange));
      return;
    }
    attempt(exchange);
  };
}
