import type { Exchange } from '../exchange.js';
import { payloadTooLarge, sendProblem } from '../problems.js';

/** Answers 413 (with `Connection: close`: Node need not read the rest to keep the socket). */
export function refuseBody(exchange: Exchange, limitBytes: number): false {
  exchange.bodyTooLarge = true;
  sendProblem(exchange, payloadTooLarge(limitBytes), { connection: 'close' });
  return false;
}

/**
 * Makes `body` the one the upstream gets instead of the spent request stream:
 * with a known length, it goes out with `Content-Length` rather than chunks.
 */
export function keepBody(exchange: Exchange, body: Buffer): true {
  exchange.body = body;
  exchange.req.headers['content-length'] = String(body.length);
  delete exchange.req.headers['transfer-encoding'];
  return true;
}

/**
 * Reads the request body into `exchange.body` (so that a retry can send it
 * again, or a stage can read it), then calls `done(true)`. The limit holds as
 * for a streamed body: past it, a 413 and `done(false)`; a client that leaves
 * mid-body gets nothing, and `done(false)` too.
 */
export function bufferBody(
  exchange: Exchange,
  limitBytes: number,
  done: (read: boolean) => void,
): void {
  const { req } = exchange;
  const chunks: Buffer[] = [];
  let received = 0;

  const stop = () => {
    req.off('data', onData);
    req.off('end', onEnd);
    req.off('error', onGone);
    req.off('close', onGone);
  };
  const onData = (chunk: Buffer) => {
    received += chunk.length;
    if (received <= limitBytes) {
      chunks.push(chunk);
      return;
    }
    stop();
    done(refuseBody(exchange, limitBytes));
    // Drain what is still in flight until Node closes the socket after the 413.
    req.resume();
  };
  const onEnd = () => {
    stop();
    done(keepBody(exchange, Buffer.concat(chunks, received)));
  };
  const onGone = () => {
    stop();
    done(false);
  };

  req.on('data', onData);
  req.on('end', onEnd);
  req.on('error', onGone);
  req.on('close', onGone);
}
