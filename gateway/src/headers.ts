import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { type TraceContext, traceparentOf } from '@portico/logging';

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

function isUntrusted(name: string): boolean {
  return UNTRUSTED.has(name) || UNTRUSTED_PREFIXES.some((prefix) => name.startsWith(prefix));
}

/**
 * Rewrites the request's headers, in place, into what the upstream may see
 * (http-proxy copies `req.headers` verbatim): no hop-by-hop, forwarding or
 * identity header from the client; trusted `X-Forwarded-*`, the request id and
 * this hop's `traceparent` instead.
 */
export function prepareUpstreamHeaders(req: IncomingMessage, trace: TraceContext): void {
  const headers = req.headers;
  const hasBody =
    headers['transfer-encoding'] !== undefined ||
    (headers['content-length'] !== undefined && headers['content-length'] !== '0');
  const host = headers.host;
  for (const name of connectionOptions(headers.connection)) {
    if (name !== 'host') delete headers[name];
  }
  for (const name of Object.keys(headers)) {
    if (HOP_BY_HOP.has(name) || isUntrusted(name)) delete headers[name];
  }
  // Node already answered `100 Continue` to the client; the upstream must not be asked again.
  delete headers.expect;
  // Node's server has de-chunked the body; say how the next hop frames it, or a
  // GET-with-body would go out unframed and desynchronise the upstream connection.
  if (hasBody && headers['content-length'] === undefined) headers['transfer-encoding'] = 'chunked';

  headers['x-forwarded-for'] = req.socket.remoteAddress ?? 'unknown';
  headers['x-forwarded-proto'] = (req.socket as Partial<TLSSocket>).encrypted ? 'https' : 'http';
  if (typeof host === 'string' && HOST.test(host)) headers['x-forwarded-host'] = host;
  headers['x-request-id'] = trace.requestId;
  headers.traceparent = traceparentOf(trace);
}

/** The upstream's response headers minus hop-by-hop ones and those the gateway sets itself. */
export function downstreamHeaders(upstream: IncomingHttpHeaders): OutgoingHttpHeaders {
  const dropped = new Set(connectionOptions(upstream.connection));
  const result: OutgoingHttpHeaders = {};
  for (const name of Object.keys(upstream)) {
    if (HOP_BY_HOP.has(name) || dropped.has(name) || GATEWAY_RESPONSE_HEADERS.has(name)) continue;
    result[name] = upstream[name];
  }
  return result;
}
