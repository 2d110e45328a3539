import { bufferBody, hasBody, keepBody, refuseBody } from './body-buffer.js';
import type { Exchange } from './exchange.js';

/** A login is an email and a password: a few hundred bytes. */
export const LOGIN_BODY_LIMIT_BYTES = 4096;

const EMPTY = Buffer.alloc(0);

/**
 * Reads the whole (small) login body into `exchange.body`, which the upstream
 * then sends instead of the spent request stream. Resolves false when it
 * answered (413) or the client went away.
 */
export function bufferLoginBody(exchange: Exchange): boolean | Promise<boolean> {
  const declared = exchange.req.headers['content-length'];
  if (declared !== undefined && Number(declared) > LOGIN_BODY_LIMIT_BYTES) {
    return refuseBody(exchange, LOGIN_BODY_LIMIT_BYTES);
  }
  if (!hasBody(exchange.req)) return keepBody(exchange, EMPTY);
  return new Promise((resolve) => bufferBody(exchange, LOGIN_BODY_LIMIT_BYTES, resolve));
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
