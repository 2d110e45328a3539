import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { Logger } from '@portico/logging';
import type { Dispatcher } from 'undici';
import type { Exchange } from '../exchange.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import { internalError, sendProblem, upstreamFailure } from '../problems.js';
import type { SendTry, TryOutcome } from '../resilience/resilience.js';
import { downstreamHeaders, hasBody } from './headers.js';

export type UpstreamCallOptions = {
  /** The upstream's name, as metrics and problems say it. */
  name: string;
  /** Per try: the route's, or UPSTREAM_TIMEOUT_MS. */
  timeoutMs: number;
  /** How long a server-sent event stream may stay silent (STREAM_IDLE_TIMEOUT_MS); replaces `timeoutMs` once it began. */
  streamIdleTimeoutMs: number;
  metrics: GatewayMetrics;
  logger: Logger;
};

const EVENT_STREAM = /^text\/event-stream\b/i;

/** A server-sent event stream (WHATWG HTML §9.2): the answer the gateway holds open. */
function isEventStream(headers: IncomingHttpHeaders): boolean {
  const type = headers['content-type'];
  // Asked of every answer: JSON ones are turned away by the prefix, before any regex.
  return type?.startsWith('text/') === true && EVENT_STREAM.test(type);
}

/** Undici's error for "no answer head in time": the try timeout, a 504 (the body's silence is timed here). */
const HEADERS_TIMEOUT = 'UND_ERR_HEADERS_TIMEOUT';

// The client's response points at the call answering it under a private
// symbol, so its listeners are one function each for every request rather
// than closures made per request.
const CALL = Symbol('portico.upstream-call');
type Client = ServerResponse & { [CALL]?: UpstreamCall };

/** The client read what was written: let the upstream's body flow again. */
function onClientDrain(this: Client): void {
  this[CALL]?.controller?.resume();
}

/** The client went away: no orphaned upstream call. */
function onClientClose(this: Client): void {
  this[CALL]?.cancel();
}

function onBodyIdle(call: UpstreamCall): void {
  call.idle();
}

/**
 * One try of an exchange, as undici's dispatch handler: the answer's head is
 * checked (a retry may replace it) and written with the gateway's headers,
 * then its body is written as it comes, with backpressure both ways. Between
 * head and end, a timer cuts a body that goes silent: after the try timeout,
 * or after the stream idle timeout for an event stream, which then ends cleanly
 * (an EventSource, or the SDK's watchOrder, reconnects with Last-Event-ID).
 */
class UpstreamCall implements Dispatcher.DispatchHandler {
  controller: Dispatcher.DispatchController | undefined;
  /** The answer was replaced by a retry, or this side ended the call: nothing more reaches the client. */
  private over = false;
  private streaming = false;
  private bodyTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly exchange: Exchange,
    private readonly route: UpstreamCallOptions,
    private readonly outcome: TryOutcome,
  ) {}

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.exchange.res.destroyed) this.cancel();
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    status: number,
    headers: IncomingHttpHeaders,
  ): void {
    // 1xx (103 Early Hints) are the upstream's business: the final answer follows.
    if (status < 200 || this.over) return;
    const { exchange, route } = this;
    const { res } = exchange;
    // Decided before the head is written: once the client has it, no retry.
    const shedding = status === 503 && headers['retry-after'] !== undefined;
    if (this.outcome.answered(exchange, status, shedding)) {
      // Undici reads the rest and keeps the connection; none of it is written.
      this.over = true;
      return;
    }
    try {
      res.writeHead(status, downstreamHeaders(headers, exchange));
    } catch {
      // Node would not write a header undici parsed: no honest answer is left.
      route.metrics.upstreamError(route.name, 'INVALID_RESPONSE_HEADER');
      this.cancel();
      res.destroy();
      return;
    }
    this.streaming = isEventStream(headers);
    // An event stream's head goes out at once, not with its first event.
    if (this.streaming) res.flushHeaders();
    this.bodyTimer = setTimeout(
      onBodyIdle,
      this.streaming ? route.streamIdleTimeoutMs : route.timeoutMs,
      this,
    );
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.over) return;
    this.bodyTimer?.refresh();
    if (this.exchange.res.write(chunk)) return;
    // The client reads slower than the upstream writes: wait for it.
    controller.pause();
    this.exchange.res.once('drain', onClientDrain);
  }

  onResponseEnd(): void {
    clearTimeout(this.bodyTimer);
    if (this.over) return;
    this.over = true;
    this.exchange.res.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    clearTimeout(this.bodyTimer);
    if (this.over) return;
    this.over = true;
    const { exchange, route } = this;
    const { res } = exchange;
    const code = (error as NodeJS.ErrnoException).code ?? 'UNKNOWN';
    exchange.timedOut = code === HEADERS_TIMEOUT;
    exchange.upstreamError = exchange.timedOut ? 'TIMEOUT' : code;
    route.metrics.upstreamError(route.name, exchange.upstreamError);
    // The upstream died mid-answer: cutting the connection is the only honest signal left.
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (this.outcome.failed(exchange, code)) return;
    sendProblem(exchange, upstreamFailure(route.name, error, exchange.timedOut));
  }

  /** This side ends the call (the client left, or its answer cannot be written). */
  cancel(): void {
    if (this.over) return;
    this.over = true;
    clearTimeout(this.bodyTimer);
    this.controller?.abort(new Error('the gateway ended the call'));
  }

  /** The body went silent for its timeout. */
  idle(): void {
    const { exchange, route } = this;
    if (this.streaming) {
      exchange.upstreamError = 'STREAM_IDLE';
      this.cancel();
      exchange.res.end();
      return;
    }
    exchange.timedOut = true;
    exchange.upstreamError = 'TIMEOUT';
    route.metrics.upstreamError(route.name, 'TIMEOUT');
    this.cancel();
    exchange.res.destroy();
  }
}

/**
 * One route's tries over HTTP, with undici: each goes over the keep-alive
 * connections of the endpoint the retry policy picked (resilience.ts). The
 * request goes as the client sent it (its path already checked to be
 * canonical, its headers rewritten by the upstream-headers stage); failures
 * are answered with problems, and the answer's head is written here, so
 * hop-by-hop headers never reach the client.
 */
export function upstreamCalls(options: UpstreamCallOptions): SendTry {
  const { name, timeoutMs, logger } = options;
  return (exchange, outcome) => {
    const { req, res } = exchange;
    const call = new UpstreamCall(exchange, options, outcome);
    const client = res as Client;
    if (client[CALL] === undefined) client.on('close', onClientClose);
    client[CALL] = call;
    try {
      exchange.endpoint!.dispatcher.dispatch(
        {
          path: req.url!,
          method: req.method!,
          headers: req.headers,
          // The body a stage or an earlier try read, or the request's own stream.
          body: exchange.body ?? (hasBody(req) ? req : null),
          headersTimeout: timeoutMs,
          // The body's silence is timed by the call itself: an event stream has a timeout of its own.
          bodyTimeout: 0,
        },
        call,
      );
    } catch (error) {
      logger.error({ err: error, upstream: name }, 'proxy failed before the upstream call');
      sendProblem(exchange, internalError());
    }
  };
}
