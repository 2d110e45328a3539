import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import type { TraceContext } from '@portico/logging';
import type { Caller } from '@portico/token-auth';
import type { Route } from './route-table.js';

/**
 * One proxied request on its way through the gateway: what the stages learned
 * about it and what the upstream call did. Later stages (edge token, user
 * status, rate limit, retries) add their findings here.
 */
export type Exchange = {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly route: Route;
  /** The canonical path, without the query: the problem `instance`. */
  readonly path: string;
  readonly trace: TraceContext;
  /** `process.hrtime.bigint()` when the request arrived. */
  readonly startedAt: bigint;
  /** The body has no declared length, so it is counted as it streams. */
  countBody: boolean;
  /** The verified caller, once the edge token check passed (token routes only). */
  caller?: Caller;
  /**
   * The whole body, when a stage had to read it (the login limit needs the
   * email; a retry must send it again): the upstream sends this, since the
   * request stream is spent.
   */
  body?: Buffer;
  bodyTooLarge: boolean;
  /** The upstream did not answer within `proxyTimeout`. */
  timedOut: boolean;
  /** Calls made to the upstream so far: 1 + retries. */
  tries: number;
  /** The request to the upstream, once it has a socket. */
  upstreamRequest?: ClientRequest;
  /** Why the upstream call failed (a Node error code), for the log line. */
  upstreamError?: string;
};

/**
 * The exchange rides on its request under a private symbol. A WeakMap keyed by
 * the request, plus spreading `fields`, cost ~4 µs a request (measured; V8's
 * ephemeron bookkeeping also slows every young-generation GC); a property
 * costs ~0.05 µs and dies with the request just the same.
 */
const EXCHANGE = Symbol('portico.exchange');
type Carrier = IncomingMessage & { [EXCHANGE]?: Exchange };

export function startExchange(
  fields: Pick<Exchange, 'req' | 'res' | 'route' | 'path' | 'trace' | 'startedAt'>,
): Exchange {
  // Every field named once, in one order: one object shape for all exchanges.
  const exchange: Exchange = {
    req: fields.req,
    res: fields.res,
    route: fields.route,
    path: fields.path,
    trace: fields.trace,
    startedAt: fields.startedAt,
    countBody: false,
    bodyTooLarge: false,
    timedOut: false,
    tries: 0,
  };
  (fields.req as Carrier)[EXCHANGE] = exchange;
  return exchange;
}

/** The exchange a request belongs to: http-proxy's events hand back only `req`. */
export function exchangeOf(req: IncomingMessage): Exchange | undefined {
  return (req as Carrier)[EXCHANGE];
}
