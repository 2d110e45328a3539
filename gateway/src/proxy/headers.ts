import type {
  IncomingHttpHeaders,
  IncomingMessage,
  OutgoingHttpHeaders,
  ServerResponse,
} from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { TraceContext } from '@portico/logging';
import type { DeprecationHeaders } from '../routing/deprecation.js';
import type { Cors } from './cors.js';

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) describe one connection, not the message,
 * so a proxy never forwards them; `proxy-connection` is the non-standard twin of
 * `connection` that old clients still send.
 */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/**
 * Headers only the gateway may set: where the request came from, and who the
 * caller is. A client that sends them is lying (or testing us), so they go.
 */
const UNTRUSTED = new Set(['forwarded', 'x-real-ip', 'x-client-id']);
const UNTRUSTED_PREFIXES = ['x-forwarded-', 'x-user-', 'x-portico-'];

/** What the gateway sets on the way back itself; the upstream's copies are dropped. */
const GATEWAY_RESPONSE_HEADERS = new Set(['x-request-id', 'traceparent']);

/** A Host value worth repeating in X-Forwarded-Host: a name or address and an optional port. */
const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** The header names a `Connection` header lists (RFC 9110 §7.6.1: these are hop-by-hop too). */
function connectionOptions(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  const joined = Array.isArray(value) ? value.join(',') : value;
  return joined
    .split(',')
    .map((token) => token.trim().toLowerCase())
    .filter(Boolean);
}

/**
 * Whether a `Connection` value names only itself-describing options: the
 * usual `keep-alive` or `close` (the names of no header), so no header is
 * dropped on its account and the list need not be built.
 */
function namesNoHeader(value: string | string[] | undefined): boolean {
  if (value === undefined) return true;
  if (typeof value !== 'string') return false;
  const option = value.length <= 10 ? value.toLowerCase() : '';
  return option === 'keep-alive' || option === 'close';
}

/** A header only the gateway may set. Each starts with `f` or `x-`: most names are let through on their first letters. */
function isUntrusted(name: string): boolean {
  const first = name.charCodeAt(0);
  if (first === 102 /* f */) return UNTRUSTED.has(name);
  if (first !== 120 /* x */ || name.charCodeAt(1) !== 45 /* - */) return false;
  if (UNTRUSTED.has(name)) return true;
  for (const prefix of UNTRUSTED_PREFIXES) if (name.startsWith(prefix)) return true;
  return false;
}

/** Whether the request carries a body (after `prepareUpstreamHeaders` too: it keeps one of these on a bodied request). */
export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * The headers the upstream may see of the client's (the upstream call sends
 * `req.headers` as they are): no hop-by-hop, forwarding or identity header
 * from the client; trusted `X-Forwarded-*`, the request id and this hop's
 * `traceparent` instead. They replace `req.headers` as a new object rather
 * than by deleting in place: a `delete` turns the object into a slow
 * dictionary for every later read and for undici's walk over it.
 */
export function prepareUpstreamHeaders(
  req: IncomingMessage,
  trace: TraceContext,
  traceparent: string,
): void {
  const headers = req.headers;
  const bodied = hasBody(req);
  const host = headers.host;
  const named = namesNoHeader(headers.connection)
    ? undefined
    : new Set(connectionOptions(headers.connection));
  const upstream: IncomingHttpHeaders = {};
  for (const name in headers) {
    if (HOP_BY_HOP.has(name) || isUntrusted(name)) continue;
    // Node already answered `100 Continue` to the client; the upstream must not be asked again.
    if (name === 'expect') continue;
    // The upstream's own host goes out (undici sets it); the client's is X-Forwarded-Host.
    if (name === 'host' || named?.has(name)) continue;
    upstream[name] = headers[name];
  }
  // Marks a body of unknown length (Node's server has de-chunked it): it is
  // read whole before the first try, and then goes out with a Content-Length
  // (resilience.ts, body-buffer.ts), so this never reaches the upstream.
  if (bodied && upstream['content-length'] === undefined) upstream['transfer-encoding'] = 'chunked';

  upstream['x-forwarded-for'] = req.socket.remoteAddress ?? 'unknown';
  upstream['x-forwarded-proto'] = (req.socket as Partial<TLSSocket>).encrypted ? 'https' : 'http';
  if (typeof host === 'string' && HOST.test(host)) upstream['x-forwarded-host'] = host;
  upstream['x-request-id'] = trace.requestId;
  upstream.traceparent = traceparent;
  req.headers = upstream;
}

/**
 * What the gateway says on every answer to a request, its own or an
 * upstream's: the request id and trace, the rate limit's state, CORS.
 */
export type AnswerHeaders = {
  readonly trace: { readonly requestId: string };
  readonly traceparent: string;
  readonly rateLimitPolicy: string | undefined;
  readonly rateLimit: string | undefined;
  /** The gateway's CORS policy (null: CORS off) and this request's allowed origin, if any. */
  readonly cors: Cors | null;
  readonly allowOrigin: string | null;
  /** The route's Deprecation, Sunset and Link, when the routes file marks it deprecated. */
  readonly route: { readonly deprecation?: DeprecationHeaders | undefined };
};

/** Adds the gateway's headers (lower-case names: an upstream's header of the same name, copied later, replaces it). */
function addAnswerHeaders(headers: OutgoingHttpHeaders, answer: AnswerHeaders): void {
  headers['x-request-id'] = answer.trace.requestId;
  headers.traceparent = answer.traceparent;
  if (answer.rateLimit !== undefined) {
    headers['ratelimit-policy'] = answer.rateLimitPolicy;
    headers.ratelimit = answer.rateLimit;
  }
  answer.cors?.addAllowHeaders(headers, answer.allowOrigin);
}

/**
 * A deprecated route's headers, set after the upstream's: the routes file
 * decides the dates, and the successor link joins the upstream's own links.
 */
function addDeprecationHeaders(
  headers: OutgoingHttpHeaders,
  deprecation: DeprecationHeaders,
): void {
  headers.deprecation = deprecation.deprecation;
  headers.sunset = deprecation.sunset;
  const link = headers.link;
  headers.link =
    link === undefined
      ? deprecation.link
      : Array.isArray(link)
        ? [...link, deprecation.link]
        : `${link}, ${deprecation.link}`;
}

/**
 * The gateway's headers set on a response it answers itself (a problem, a
 * preflight), before that answer's own: `writeHead` merges the two.
 */
export function setAnswerHeaders(res: ServerResponse, answer: AnswerHeaders): void {
  const headers: OutgoingHttpHeaders = {};
  addAnswerHeaders(headers, answer);
  if (answer.cors) headers.vary = 'Origin';
  if (answer.route.deprecation) addDeprecationHeaders(headers, answer.route.deprecation);
  for (const name in headers) res.setHeader(name, headers[name]!);
}

/**
 * The whole head of an upstream's answer, for one `writeHead`: the gateway's
 * headers, then the upstream's minus hop-by-hop ones and those the gateway
 * sets itself. Headers set one by one before `writeHead` would each be
 * checked and stored twice (once by `setHeader`, once when merged).
 */
export function downstreamHeaders(
  upstream: IncomingHttpHeaders,
  answer: AnswerHeaders,
): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  addAnswerHeaders(headers, answer);
  const named = namesNoHeader(upstream.connection)
    ? undefined
    : new Set(connectionOptions(upstream.connection));
  for (const name in upstream) {
    if (HOP_BY_HOP.has(name) || GATEWAY_RESPONSE_HEADERS.has(name) || named?.has(name)) continue;
    headers[name] = upstream[name];
  }
  if (answer.cors) headers.vary = answer.cors.varyWithOrigin(upstream.vary);
  if (answer.route.deprecation) addDeprecationHeaders(headers, answer.route.deprecation);
  return headers;
}
