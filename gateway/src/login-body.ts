import type { Exchange } from './exchange.js';
import { payloadTooLarge, sendProblem } from './problems.js';

/** A login is an email and a password: a few hundred bytes. */
export const LOGIN_BODY_LIMIT_BYTES = 4096;

const EMPTY = Buffer.alloc(0);

function refuseTooLarge(exchange: Exchange): false {
  // `Connection: close`, as in body-limit.ts: Node need not read the rest to keep the socket.
  sendProblem(exchange, payloadTooLarge(LOGIN_BODY_LIMIT_BYTES), {
    connection: 'close',
  });
  return false;
}

/**
 * Reads the whole (small) login body into `exchange.body`, which the upstream
 * then sends instead of the spent request stream. The upstream's
 * `Content-Length` is the buffer's, so a chunked login goes out framed exactly.
 * Resolves false when it answered (413) or the client went away.
 */
export function bufferLoginBody(exchange: Exchange): boolean | Promise<boolean> {
  const { req } = exchange;
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > LOGIN_BODY_LIMIT_BYTES) {
    return refuseTooLarge(exchange);
  }
  const keep = (body: Buffer): true => {
    exchange.body = body;
    exchange.countBody = false;
    delete req.headers['transfer-encoding'];
    req.headers['content-length'] = String(body.length);
    return true;
  };
  if (declared === '0' || (declared === undefined && !req.headers['transfer-encoding'])) {
    return keep(EMPTY);
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onGone);
      req.off('close', onGone);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= LOGIN_BODY_LIMIT_BYTES) {
        chunks.push(chunk);
        return;
      }
      stop();
      resolve(refuseTooLarge(exchange));
      // Drain what is still in flight until Node closes the socket after the 413.
      req.resume();
    };
    const onEnd = () => {
      stop();
      resolve(keep(Buffer.concat(chunks, size)));
    };
    const onGone = () => {
      stop();
      resolve(false);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onGone);
    req.on('close', onGone);
  });
}

/**
 * The login's email, lower-cased, or undefined when the body is not a JSON
 * object with a string `email`: such a login is limited by address alone, and
 * the auth service answers it with a 400.
 */
export function loginEmail(body: Buffer | undefined): string | undefined {
  if (!body || body.length === 0) return undefined;
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    const email = (parsed as { email?: unknown } | null)?.email;
    return typeof email === 'string' ? email.trim().toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}
