import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from './logger.js';
import { runWithContext } from './request-context.js';
import { traceContextFrom, traceparentOf } from './trace-context.js';

type WithCaller = IncomingMessage & { caller?: { sub?: string; clientId?: string } };

/**
 * Requests that come all the time by design, logged at debug when they succeed
 * so they do not drown the traffic a person reads the log for (issue 14):
 * probes and scrapes every few seconds, and the event feed's long polls
 * (packages/events, one per consumer every 20 s). By path, not by a mark the
 * route sets: a poll its consumer abandons while it is being authenticated, as
 * at every shutdown, never reaches the route. A failure is still a warning or an error.
 */
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics', '/internal/v1/events']);

/** The path as requested: inside a mounted router express has cut its prefix off `url`. */
const pathOf = (req: IncomingMessage & { originalUrl?: string }) =>
  (req.originalUrl ?? req.url ?? '').split('?')[0]!;

/** A 503 with Retry-After: a live service refusing at once because it is full, not failing. */
const isShedding = (res: ServerResponse) =>
  res.statusCode === 503 && res.getHeader('retry-after') !== undefined;

/** pino-http makes up an Error for a 5xx it saw no throw for: its stack is pino-http's own. */
const isMadeUp = (res: ServerResponse, error: Error) =>
  error.message === `failed with status code ${res.statusCode}`;

/**
 * Per request: accept or create the request id and W3C traceparent, return both
 * to the client, run the rest of the chain inside that context (so outgoing
 * calls carry it), and write one JSON line when the response finishes. Only the
 * method, path, status, latency and caller id are logged: no header, no query
 * string and no body, so no token or password can leak.
 */
export function requestLogger(logger: Logger): RequestHandler {
  const httpLogger = pinoHttp({
    logger,
    quietReqLogger: true,
    genReqId: (req) => (req as IncomingMessage & { traceId?: string }).id as string,
    // A shed request is a warning: a flood of them must not drown real errors.
    customLogLevel: (req, res, err) =>
      err || (res.statusCode >= 500 && !isShedding(res))
        ? 'error'
        : res.statusCode >= 400
          ? 'warn'
          : QUIET_PATHS.has(pathOf(req))
            ? 'debug'
            : 'info',
    customSuccessMessage: () => 'request completed',
    customErrorMessage: () => 'request failed',
    customErrorObject: (_req, res, error, fields) => {
      if (!isMadeUp(res, error)) return fields;
      const { err: _madeUp, ...rest } = fields as Record<string, unknown>;
      return rest;
    },
    customProps: (req: WithCaller) => ({ userId: req.caller?.sub ?? req.caller?.clientId }),
    serializers: {
      req: (req: {
        id: string;
        method: string;
        url: string;
        raw?: { route?: { path?: string }; baseUrl?: string };
      }) => ({
        id: req.id,
        method: req.method,
        path: req.url.split('?')[0],
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
  return (req, res, next) => {
    const ctx = traceContextFrom(req.headers);
    (req as IncomingMessage & { id?: string }).id = ctx.requestId;
    res.setHeader('x-request-id', ctx.requestId);
    res.setHeader('traceparent', traceparentOf(ctx));
    runWithContext(ctx, () => httpLogger(req as IncomingMessage, res as ServerResponse, next));
  };
}
