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
  bodyTooLarge: boolean;
  /** The upstream did not answer within `proxyTimeout`. */
  timedOut: boolean;
  /** The request to the upstream, once it has a socket. */
  upstreamRequest?: ClientRequest;
  /** Why the upstream call failed (a Node error code), for the log line. */
  upstreamError?: string;
};

const exchanges = new WeakMap<IncomingMessage, Exchange>();

export function startExchange(
  fields: Pick<Exchange, 'req' | 'res' | 'route' | 'path' | 'trace' | 'startedAt'>,
): Exchange {
  const exchange: Exchange = { ...fields, countBody: false, bodyTooLarge: false, timedOut: false };
  exchanges.set(fields.req, exchange);
  return exchange;
}

/** The exchange a request belongs to: http-proxy's events hand back only `req`. */
export function exchangeOf(req: IncomingMessage): Exchange | undefined {
  return exchanges.get(req);
}
