import { Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import type { Logger } from '@portico/logging';
import { createProxyMiddleware, proxyEventsPlugin } from 'http-proxy-middleware';
import { countStreamedBody } from './body-limit.js';
import { CircuitBreaker } from './circuit-breaker.js';
import type { Cors } from './cors.js';
import { type Exchange, exchangeOf } from './exchange.js';
import { downstreamHeaders } from './headers.js';
import type { GatewayMetrics } from './metrics.js';
import { internalError, sendProblem, upstreamFailure } from './problems.js';
import { createResilience } from './resilience.js';
import type { UpstreamName } from './route-table.js';

/**
 * Idle pooled sockets are closed after this long. It must stay below the
 * upstreams' keep-alive timeout (Node's default 5 s), or the gateway reuses a
 * socket the upstream is closing and the request is reset.
 */
const IDLE_SOCKET_TIMEOUT_MS = 4_000;

export type Upstream = {
  readonly name: UpstreamName;
  readonly url: string;
  /** Sends the exchange's request to this upstream and streams its answer back. */
  readonly forward: (exchange: Exchange) => void;
  /** Closes the pooled sockets. */
  readonly close: () => void;
};

export type UpstreamOptions = {
  name: UpstreamName;
  url: string;
  timeoutMs: number;
  /** Tries after the first (UPSTREAM_RETRIES). */
  retries: number;
  breaker: { failureThreshold: number; halfOpenAfterMs: number };
  bodyLimitBytes: number;
  cors: Cors | null;
  metrics: GatewayMetrics;
  logger: Logger;
};

function isResponse(res: ServerResponse | Socket): res is ServerResponse {
  return typeof (res as ServerResponse).writeHead === 'function';
}

const ignore = () => {};

/**
 * Drops an answer that a retry replaces. Its request's late errors (a reset
 * while draining) would reach http-proxy's handler as the next try's: they go
 * nowhere instead. Draining, not destroying, keeps the pooled socket.
 */
function discard(exchange: Exchange, proxyRes: IncomingMessage): void {
  const proxyReq = exchange.upstreamRequest;
  exchange.upstreamRequest = undefined;
  proxyReq?.removeAllListeners('error').on('error', ignore);
  proxyRes.resume();
}

/**
 * One http-proxy-middleware instance for one upstream, with its own keep-alive
 * agent. The default plugins are ejected (they cost ~13% of throughput, map every
 * failure to 504 and echo the target URL); this module answers failures with
 * problems instead, and writes the response head itself so hop-by-hop headers
 * never reach the client.
 */
export function createUpstream(options: UpstreamOptions): Upstream {
  const { name, url, timeoutMs, retries, bodyLimitBytes, cors, metrics, logger } = options;
  const agent = new Agent({ keepAlive: true, timeout: IDLE_SOCKET_TIMEOUT_MS, scheduling: 'lifo' });
  // A body a stage already read (`exchange.body`) goes out through http-proxy's
  // per-request `buffer` option, which the middleware cannot pass: a plugin
  // keeps the proxy server and the middleware's options for that.
  let resend: ((exchange: Exchange) => void) | undefined;

  const proxy = createProxyMiddleware<IncomingMessage, ServerResponse>({
    target: url,
    changeOrigin: true,
    agent,
    proxyTimeout: timeoutMs,
    xfwd: false,
    // Ejecting drops the plugin that subscribes `on` too; it is the one default we keep.
    ejectPlugins: true,
    plugins: [
      proxyEventsPlugin,
      (server, proxyOptions) => {
        resend = (exchange) =>
          server.web(exchange.req, exchange.res, {
            ...proxyOptions,
            buffer: Readable.from([exchange.body!]),
          });
      },
    ],
    selfHandleResponse: true,
    on: {
      // Emitted just before http-proxy pipes the body, so nothing is missed.
      start: (req) => {
        const exchange = exchangeOf(req);
        if (exchange?.countBody) countStreamedBody(exchange, bodyLimitBytes);
      },

      proxyReq: (proxyReq, req) => {
        const exchange = exchangeOf(req);
        if (!exchange) return;
        exchange.upstreamRequest = proxyReq;
        if (exchange.bodyTooLarge) {
          proxyReq.destroy();
          return;
        }
        // http-proxy aborts on proxyTimeout and reports a plain "socket hang up":
        // remember that it was the timeout, so the client gets a 504, not a 502.
        // A discarded earlier try may still time out: only the current one counts.
        proxyReq.once('timeout', () => {
          if (exchange.upstreamRequest === proxyReq) exchange.timedOut = true;
        });
      },

      proxyRes: (proxyRes, req, res) => {
        const exchange = exchangeOf(req);
        if (exchange?.bodyTooLarge || res.headersSent) {
          proxyRes.destroy();
          return;
        }
        const status = proxyRes.statusCode ?? 502;
        // Decided before the head is written: once the client has it, no retry.
        if (exchange && resilience.answered(exchange, status)) {
          discard(exchange, proxyRes);
          return;
        }
        const headers = downstreamHeaders(proxyRes.headers);
        if (cors) headers.vary = cors.varyWithOrigin(headers.vary);
        try {
          res.writeHead(status, headers);
        } catch {
          // Node would not write a header it parsed: no honest answer is left,
          // and a throw inside an http-proxy event would take the process down.
          metrics.upstreamError(name, 'INVALID_RESPONSE_HEADER');
          proxyRes.destroy();
          res.destroy();
          return;
        }
        // pipe plus one close listener, not stream.pipeline: pipeline's abort
        // signals and end-of-stream bookkeeping measured ~25% of the gateway's
        // CPU per request (bench/gateway-bench.mjs --profile). A client that
        // goes away still ends the upstream read.
        proxyRes.pipe(res);
        // Either side ending early ends the other: no half-answered client, no orphaned read.
        proxyRes.once('close', () => {
          if (!proxyRes.complete) res.destroy();
        });
        res.once('close', () => {
          if (!proxyRes.complete) proxyRes.destroy();
        });
      },

      error: (error, req, res) => {
        const exchange = exchangeOf(req);
        if (!exchange || exchange.bodyTooLarge) return;
        if (!isResponse(res)) {
          res.destroy();
          return;
        }
        const code = (error as NodeJS.ErrnoException).code ?? 'UNKNOWN';
        exchange.upstreamError = exchange.timedOut ? 'TIMEOUT' : code;
        metrics.upstreamError(name, exchange.upstreamError);
        // Headers already sent: the upstream died mid-answer; cutting the
        // connection is the only honest signal left.
        if (res.headersSent) {
          res.destroy();
          return;
        }
        if (resilience.failed(exchange, code)) return;
        sendProblem(res, upstreamFailure(name, error, exchange.timedOut), exchange.path);
      },
    },
  });

  /** One try: the request's own stream, or the body a stage or a retry has read. */
  const send = (exchange: Exchange) => {
    if (exchange.body && resend) {
      resend(exchange);
      return;
    }
    // http-proxy-middleware calls `next` only when preparing the request throws.
    void proxy(exchange.req, exchange.res, (error?: unknown) => {
      logger.error({ err: error, upstream: name }, 'proxy failed before the upstream call');
      sendProblem(exchange.res, internalError(), exchange.path);
    });
  };

  const breaker = new CircuitBreaker({
    ...options.breaker,
    trialTimeoutMs: timeoutMs,
    onStateChange: (state) => {
      metrics.breakerState(name, state);
      logger.warn({ upstream: name, state }, 'upstream circuit breaker changed state');
    },
  });
  metrics.breakerState(name, breaker.state);
  const resilience = createResilience({
    name,
    retries,
    timeoutMs,
    bodyLimitBytes,
    breaker,
    metrics,
    logger,
    send,
  });

  return {
    name,
    url,
    forward: resilience.forward,
    close: () => agent.destroy(),
  };
}
