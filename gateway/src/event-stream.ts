import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Exchange } from './exchange.js';

const EVENT_STREAM = /^text\/event-stream\b/i;

// The try's request carries what its idle listener needs, so the listener is
// one function for every stream rather than a closure per stream.
const STREAM = Symbol('portico.event-stream');
type StreamTry = ClientRequest & {
  [STREAM]?: { exchange: Exchange; answer: IncomingMessage };
};

const ignore = () => {};

/** A server-sent event stream (WHATWG HTML §9.2): the answer the gateway holds open. */
export function isEventStream(answer: IncomingMessage): boolean {
  const type = answer.headers['content-type'];
  // Asked of every answer: JSON ones are turned away by the prefix, before any regex.
  return type?.startsWith('text/') === true && EVENT_STREAM.test(type);
}

/**
 * Nothing came from the upstream for the idle timeout: end the client's
 * stream cleanly (an EventSource, or the SDK's watchOrder, reconnects with
 * Last-Event-ID), then close the upstream request.
 */
function onStreamIdle(this: StreamTry): void {
  const held = this[STREAM];
  if (!held) return;
  const { exchange, answer } = held;
  exchange.upstreamError = 'STREAM_IDLE';
  // No more writes to a response that is ending, nor errors from a request we close.
  answer.pause();
  this.removeAllListeners('error').on('error', ignore);
  exchange.res.end(() => this.destroy());
}

/**
 * Called once an upstream's answer head says `text/event-stream`, just before
 * it streams. The per-try timeout (UPSTREAM_TIMEOUT_MS, http-proxy's
 * `proxyTimeout`: an idle timeout on the upstream socket) would cut a stream
 * that is quiet between events, so it is replaced by `idleMs` of its own,
 * reset by every chunk the upstream sends (issue 13). The head goes to the
 * client at once rather than with the first event. Retries are already
 * decided by now: a stream that began is never sent again.
 */
export function holdEventStream(exchange: Exchange, answer: IncomingMessage, idleMs: number): void {
  const request = exchange.upstreamRequest as StreamTry | undefined;
  if (request) {
    request[STREAM] = { exchange, answer };
    // Both listeners are the try timeout's: http-proxy's abort and the 504 bookkeeping.
    request.removeAllListeners('timeout');
    request.setTimeout(idleMs, onStreamIdle);
  }
  exchange.res.flushHeaders();
}
