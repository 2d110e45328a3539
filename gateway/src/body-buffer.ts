import type { IncomingMessage } from 'node:http';
import type { Exchange } from './exchange.js';
import { payloadTooLarge, sendProblem } from './problems.js';

/** Whether the request carries a body (after `prepareUpstreamHeaders`, a bodied request has one of these). */
export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Reads the request body into `exchange.body` so that a retry can send it
 * again, then calls `then`. The limit holds as for a streamed body: past it,
 * a 413 and `then` is never called. A client that leaves mid-body gets nothing.
 * The body then has a known length, so the upstream gets `Content-Length`
 * rather than chunks.
 */
export function bufferBody(
  exchange: Exchange,
  limitBytes: number,
  then: (exchange: Exchange) => void,
): void {
  const { req } = exchange;
  const chunks: Buffer[] = [];
  let received = 0;

  const stop = () => {
    req.off('data', onData);
    req.off('end', onEnd);
    req.off('error', stop);
    req.off('close', stop);
  };
  const onData = (chunk: Buffer) => {
    received += chunk.length;
    if (received <= limitBytes) {
      chunks.push(chunk);
      return;
    }
    stop();
    exchange.bodyTooLarge = true;
    sendProblem(exchange, payloadTooLarge(limitBytes), { connection: 'close' });
    // Drain what is still in flight until Node closes the socket after the 413.
    req.resume();
  };
  const onEnd = () => {
    stop();
    const body = Buffer.concat(chunks, received);
    exchange.body = body;
    exchange.countBody = false;
    req.headers['content-length'] = String(body.length);
    delete req.headers['transfer-encoding'];
    then(exchange);
  };

  req.on('data', onData);
  req.on('end', onEnd);
  req.on('error', stop);
  req.on('close', stop);
}
