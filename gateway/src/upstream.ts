import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import type { Logger } from '@portico/logging';
import { createProxyMiddleware, proxyEventsPlugin } from 'http-proxy-middleware';
import { countStreamedBody } from './body-limit.js';
import { holdEventStream, isEventStream } from './event-stream.js';
import { type Exchange, exchangeOf } from './exchange.js';
import { downstreamHeaders } from './headers.js';
import type { GatewayMetrics } from './metrics.js';
import { internalError, sendProblem, upstreamFailure } from './problems.js';
import { createResilience } from './resilience.js';
import type { EndpointPool } from './routing/endpoint-pool.js';

/** A route's way to its upstream: built once per route when the table loads. */
export type Upstream = {
  readonly name: string;
  /** Sends the exchange's request to one of the upstream's endpoints and streams its answer back. */
  readonly forward: (exchange: Exchange) => void;
};

export type UpstreamOptions = {
  /** The upstream's endpoints, shared by every route to it (their sockets and breakers). */
  pool: EndpointPool;
  /** Per try: the route's, or UPSTREAM_TIMEOUT_MS. */
  timeoutMs: number;
  /** Tries after the first: the route's, or UPSTREAM_RETRIES. */
  retries: number;
  /** How long a server-sent event stream may stay silent (STREAM_IDLE_TIMEOUT_MS); replaces `timeoutMs` once it began. */
  streamIdleTimeoutMs: number;
  bodyLimitBytes: number;
  metrics: GatewayMetrics;
  logger: Logger;
};

function isResponse(res: ServerResponse | Socket): res is ServerResponse {
  return typeof (res as ServerResponse).writeHead === 'function';
}

const ignore = () => {};

// Each try's request, answer and client response point at each other under
// private symbols, so the listeners below are one function each for every
// request rather than closures made per request.
const TRY = Symbol('portico.try');
const CLIENT = Symbol('portico.client-response');
const ANSWER = Symbol('portico.upstream-answer');
type Try = ClientRequest & { [TRY]?: Exchange };
type Answer = IncomingMessage & { [CLIENT]?: ServerResponse };
type Client = ServerResponse & { [ANSWER]?: IncomingMessage };

/**
 * http-proxy aborts on proxyTimeout and reports a plain "socket hang up":
 * remember that it was the timeout, so the client gets a 504, not a 502. A
 * discarded earlier try may still time out: only the current one counts.
 */
function onTryTimeout(this: Try): void {
  const exchange = this[TRY];
  if (exchange?.upstreamRequest === this) exchange.timedOut = true;
}

function onAnswerData(this: Answer, chunk: Buffer): void {
  const res = this[CLIENT]!;
  if (res.write(chunk)) return;
  // The client reads slower than the upstream writes: wait for it.
  this.pause();
  res.once('drain', onClientDrain);
}

function onClientDrain(this: Client): void {
  this[ANSWER]?.resume();
}

function onAnswerEnd(this: Answer): void {
  this[CLIENT]!.end();
}

/** The upstream's answer stopped short: no half-answered client. */
function onAnswerClose(this: Answer): void {
  if (!this.complete) this[CLIENT]!.destroy();
}

/** The client went away: no orphaned upstream read. */
function onClientClose(this: Client): void {
  const answer = this[ANSWER];
  if (answer && !answer.complete) answer.destroy();
}

/**
 * Streams the answer's body to the client: what `proxyRes.pipe(res)` did,
 * backpressure included, with four listeners shared by every request instead
 * of pipe's eight closures (and `stream.pipeline`'s abort signals before it,
 * ~25% of the gateway's CPU per request; bench/gateway-bench.mjs --profile).
 * Either side ending early ends the other.
 */
function streamAnswer(proxyRes: Answer, res: Client): void {
  proxyRes[CLIENT] = res;
  res[ANSWER] = proxyRes;
  proxyRes.on('data', onAnswerData);
  proxyRes.on('end', onAnswerEnd);
  proxyRes.on('close', onAnswerClose);
  res.on('close', onClientClose);
}

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
 * One http-proxy-middleware instance for one route, sending each try to the
 * endpoint resilience.ts picked, over that endpoint's keep-alive agent. The
 * default plugins are ejected (they cost ~13% of throughput, map every failure
 * to 504 and echo the target URL); this module answers failures with problems
 * instead, and writes the response head itself so hop-by-hop headers never
 * reach the client.
 */
export function createUpstream(options: UpstreamOptions): Upstream {
  const { pool, timeoutMs, retries, bodyLimitBytes, metrics, logger } = options;
  const { name } = pool;
  // Tries go straight to the proxy server with one options object per endpoint
  // (its target and agent), made here once: the middleware's own entry point
  // would copy its options and await a promise on every request. A plugin
  // keeps the server and the middleware's options for that.
  let web: ((exchange: Exchange) => void) | undefined;

  createProxyMiddleware<IncomingMessage, ServerResponse>({
    target: pool.endpoints[0]!.target,
    // The target goes out as the client sent it (`req.url`, its path already
    // checked to be canonical) instead of through `url.parse` on every
    // request, whose only change to it was dropping a fragment; the
    // upstream-headers stage in app.ts drops that now.
    toProxy: true,
    changeOrigin: true,
    proxyTimeout: timeoutMs,
    xfwd: false,
    // Ejecting drops the plugin that subscribes `on` too; it is the one default we keep.
    ejectPlugins: true,
    plugins: [
      proxyEventsPlugin,
      (server, proxyOptions) => {
        const perEndpoint = pool.endpoints.map(({ target, agent }) => ({
          ...proxyOptions,
          target,
          agent,
        }));
        web = (exchange) => {
          const endpointOptions = perEndpoint[exchange.endpoint!.index]!;
          // A body a stage already read (`exchange.body`) goes out through
          // http-proxy's per-request `buffer` option: the request stream is spent.
          server.web(
            exchange.req,
            exchange.res,
            exchange.body
              ? { ...endpointOptions, buffer: Readable.from([exchange.body]) }
              : endpointOptions,
          );
        };
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
        (proxyReq as Try)[TRY] = exchange;
        proxyReq.on('timeout', onTryTimeout);
      },

      proxyRes: (proxyRes, req, res) => {
        const exchange = exchangeOf(req);
        if (!exchange || exchange.bodyTooLarge || res.headersSent) {
          proxyRes.destroy();
          return;
        }
        const status = proxyRes.statusCode ?? 502;
        // Decided before the head is written: once the client has it, no retry.
        const shedding = status === 503 && proxyRes.headers['retry-after'] !== undefined;
        if (resilience.answered(exchange, status, shedding)) {
          discard(exchange, proxyRes);
          return;
        }
        const headers = downstreamHeaders(proxyRes.headers, exchange);
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
        if (isEventStream(proxyRes)) {
          holdEventStream(exchange, proxyRes, options.streamIdleTimeoutMs);
        }
        streamAnswer(proxyRes, res);
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
        sendProblem(exchange, upstreamFailure(name, error, exchange.timedOut));
      },
    },
  });

  /** One try: the request's own stream, or the body a stage or a retry has read. */
  const send = (exchange: Exchange) => {
    try {
      web!(exchange);
    } catch (error) {
      logger.error({ err: error, upstream: name }, 'proxy failed before the upstream call');
      sendProblem(exchange, internalError());
    }
  };

  const resilience = createResilience({
    name,
    retries,
    timeoutMs,
    bodyLimitBytes,
    pool,
    metrics,
    logger,
    send,
  });

  return { name, forward: resilience.forward };
}
