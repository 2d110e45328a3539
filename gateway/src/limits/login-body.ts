import type { Exchange } from '../exchange.js';
import { hasBody } from '../proxy/headers.js';
import { bufferBody, keepBody, refuseBody } from './body-buffer.js';

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
 * The login's email, lower-cased, or undefined when the body has none: such
 * a login is limited by address alone, and the auth service answers it 400.
 * The JSON login sends a JSON object; the hosted login page's form
 * (`POST /api/v1/auth/authorize`) sends application/x-www-form-urlencoded.
 */
export function loginEmail(
  body: Buffer | undefined,
  contentType: string | undefined,
): string | undefined {
  if (!body || body.length === 0) return undefined;
  const text = body.toString('utf8');
  const email = contentType?.toLowerCase().startsWith('application/x-www-form-urlencoded')
    ? new URLSearchParams(text).get('email')
    : jsonEmail(text);
  return typeof email === 'string' ? email.trim().toLowerCase() : undefined;
}

function jsonEmail(text: string): unknown {
  try {
    return (JSON.parse(text) as { email?: unknown } | null)?.email;
  } catch {
    return undefined;
  }
}
