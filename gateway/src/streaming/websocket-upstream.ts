import { type ClientRequest, request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import type { Logger } from '@portico/logging';
import type { Exchange } from '../exchange.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import { sendProblem, upstreamFailure } from '../problems.js';
import { downstreamHeaders } from '../proxy/headers.js';
import { type TryOutcome, withResilience } from '../resilience/resilience.js';
import type { EndpointPool } from '../routing/endpoint-pool.js';
import { splice } from './splice.js';

export type WebSocketUpstreamOptions = {
  /** The route's upstream endpoints: a handshake goes to the one resilience.ts picks. */
  pool: EndpointPool;
  /** How long the upstream may take to answer the handshake: the route's timeout. */
  timeoutMs: number;
  /** Tries after the first, for a handshake that found no one listening. */
  retries: number;
  /** How long an open WebSocket may carry no byte either way (STREAM_IDLE_TIMEOUT_MS). */
  idleMs: number;
  bodyLimitBytes: number;
  metrics: GatewayMetrics;
  logger: Logger;
};

/** A route's way to open WebSockets on its upstream: built once per route, as its forwarder is. */
export type WebSocketUpstream = (exchange: Exchange, head: Buffer) => void;

// The bytes the client sent past its handshake ride on its response, since a
// try (resilience.ts `SendTry`) is handed only the exchange.
const HEAD = Symbol('portico.websocket-head');
type Handshake = Exchange['res'] & { [HEAD]?: Buffer };

/** The client's socket: every answer to a handshake is written on it. */
const clientSocket = (exchange: Exchange) => exchange.res.socket as Socket;

/**
 * The handshake's request to the endpoint, on a connection of its own (it
 * will become the WebSocket, so it is never pooled): the client's headers as
 * the upstream-headers stage left them, with the upgrade asked for again,
 * since hop-by-hop headers were dropped there.
 */
function handshakeRequest(exchange: Exchange, timeoutMs: number): ClientRequest {
  const { req } = exchange;
  const target = new URL(req.url!, exchange.endpoint!.url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return send(target, {
    method: 'GET',
    headers: { ...req.headers, connection: 'Upgrade', upgrade: 'websocket' },
    agent: false,
    timeout: timeoutMs,
  });
}

/**
 * Sends a route's WebSocket handshakes upstream. A 101 is written back with
 * the gateway's headers and the two sockets are spliced together (splice.ts);
 * any other answer goes back as it is, status, headers and body. Each try
 * counts for its endpoint's circuit as an HTTP call does, and a handshake that
 * found no one listening is tried again on the next endpoint (resilience.ts:
 * a GET is repeatable); a timeout is a 504, no answer a 502.
 */
export function createWebSocketUpstream(options: WebSocketUpstreamOptions): WebSocketUpstream {
  const { pool, timeoutMs, idleMs, metrics } = options;
  const { name } = pool;

  const opened = (
    exchange: Exchange,
    outcome: TryOutcome,
    answer: IncomingMessage,
    socket: Socket,
    head: Buffer,
  ) => {
    outcome.answered(exchange, 101, false);
    const client = clientSocket(exchange);
    if (client.destroyed) {
      socket.destroy();
      return;
    }
    exchange.res.writeHead(101, {
      ...downstreamHeaders(answer.headers, exchange),
      connection: 'Upgrade',
      upgrade: 'websocket',
    });
    exchange.res.end();
    metrics.webSocket(exchange.route.pattern, name, 1);
    splice(exchange, client, socket, {
      clientHead: (exchange.res as Handshake)[HEAD]!,
      upstreamHead: head,
      idleMs,
      onClose: () => metrics.webSocket(exchange.route.pattern, name, -1),
    });
  };

  const refused = (exchange: Exchange, outcome: TryOutcome, answer: IncomingMessage) => {
    const status = answer.statusCode ?? 502;
    const shedding = status === 503 && answer.headers['retry-after'] !== undefined;
    if (outcome.answered(exchange, status, shedding)) {
      answer.resume();
      return;
    }
    exchange.res.writeHead(status, downstreamHeaders(answer.headers, exchange));
    answer.pipe(exchange.res);
  };

  const failed = (exchange: Exchange, outcome: TryOutcome, error: NodeJS.ErrnoException) => {
    const code = error.code ?? 'UNKNOWN';
    exchange.upstreamError = exchange.timedOut ? 'TIMEOUT' : code;
    metrics.upstreamError(name, exchange.upstreamError);
    if (outcome.failed(exchange, code)) return;
    sendProblem(exchange, upstreamFailure(name, error, exchange.timedOut));
  };

  const send = (exchange: Exchange, outcome: TryOutcome): void => {
    const upstream = handshakeRequest(exchange, timeoutMs);
    const client = clientSocket(exchange);
    let answered = false;
    // The client left before the answer: not the upstream's failure, so no report.
    const abandon = () => {
      upstream.removeAllListeners('error').on('error', () => {});
      upstream.destroy();
    };
    client.once('close', abandon);
    upstream.on('upgrade', (answer, socket, head) => {
      answered = true;
      client.off('close', abandon);
      opened(exchange, outcome, answer, socket as Socket, head);
    });
    upstream.on('response', (answer) => {
      answered = true;
      refused(exchange, outcome, answer);
    });
    upstream.on('timeout', () => {
      exchange.timedOut = true;
      upstream.destroy(Object.assign(new Error('handshake timed out'), { code: 'ETIMEDOUT' }));
    });
    upstream.on('error', (error) => {
      client.off('close', abandon);
      // An answer that breaks off mid-body: it was counted already, and its head is out.
      if (answered) exchange.res.destroy();
      else failed(exchange, outcome, error);
    });
    upstream.end();
  };

  const forward = withResilience({
    name,
    retries: options.retries,
    timeoutMs,
    bodyLimitBytes: options.bodyLimitBytes,
    pool,
    metrics,
    logger: options.logger,
    send,
  });
  return (exchange, head) => {
    (exchange.res as Handshake)[HEAD] = head;
    forward(exchange);
  };
}
