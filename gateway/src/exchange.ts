import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TraceContext } from '@portico/logging';
import type { Caller } from '@portico/token-auth';
import type { Cors } from './proxy/cors.js';
import type { Endpoint } from './routing/endpoint-pool.js';
import type { Route } from './routing/route-table.js';

/**
 * One proxied request on its way through the gateway: what the stages learned
 * about it, what the upstream call did, and the headers its answer will carry.
 * Later stages (edge token, user status, rate limit, retries) add their
 * findings here. It is also the request's log record (`request-log.ts`).
 */
export type Exchange = {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly route: Route;
  /** The canonical path, without the query: the problem `instance`. */
  readonly path: string;
  readonly trace: TraceContext;
  /** This hop's `traceparent` (the gateway's span): sent upstream and back to the client. */
  readonly traceparent: string;
  /** `process.hrtime.bigint()` when the request arrived. */
  readonly startedAt: bigint;
  /** The verified caller, once the edge token check passed (token routes only). */
  caller: Caller | undefined;
  /**
   * The whole body, when a stage had to read it (the login limit needs the
   * email; a retry must send it again): the upstream sends this, since the
   * request stream is spent.
   */
  body: Buffer | undefined;
  bodyTooLarge: boolean;
  /** The upstream did not answer, or its body went silent, within the try timeout. */
  timedOut: boolean;
  /** Calls made to the upstream so far: 1 + retries. */
  tries: number;
  /** The upstream endpoint the current try goes to (resilience.ts picks it). */
  endpoint: Endpoint | undefined;
  /** Why the upstream call failed (a Node error code), for the log line. */
  upstreamError: string | undefined;
  /** The gateway's CORS policy, null when CORS is off. */
  readonly cors: Cors | null;
  /** `Access-Control-Allow-Origin` for every answer to this request; null when none is due. */
  readonly allowOrigin: string | null;
  /** Draft-7 `RateLimit-Policy` and `RateLimit` of the policy that counted this request last. */
  rateLimitPolicy: string | undefined;
  rateLimit: string | undefined;
};

export function startExchange(
  fields: Pick<
    Exchange,
    | 'req'
    | 'res'
    | 'route'
    | 'path'
    | 'trace'
    | 'traceparent'
    | 'startedAt'
    | 'cors'
    | 'allowOrigin'
  >,
): Exchange {
  // Every field named once, in one order, none added later: one object shape
  // (and so monomorphic property access) for every exchange.
  const exchange: Exchange = {
    req: fields.req,
    res: fields.res,
    route: fields.route,
    path: fields.path,
    trace: fields.trace,
    traceparent: fields.traceparent,
    startedAt: fields.startedAt,
    caller: undefined,
    body: undefined,
    bodyTooLarge: false,
    timedOut: false,
    tries: 0,
    endpoint: undefined,
    upstreamError: undefined,
    cors: fields.cors,
    allowOrigin: fields.allowOrigin,
    rateLimitPolicy: undefined,
    rateLimit: undefined,
  };
  return exchange;
}
