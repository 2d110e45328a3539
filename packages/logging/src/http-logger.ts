import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from './logger.js';
import { runWithContext } from './request-context.js';
import { traceContextFrom, traceparentOf } from './trace-context.js';

type WithCaller = IncomingMessage & { caller?: { sub?: string; clientId?: string } };

const PROBES = new Set(['/healthz', '/readyz', '/metrics']);

/** Responses whose request, if it succeeds, is logged at debug (see quietRequest). */
const quiet = new WeakSet<ServerResponse>();

/**
 * Logs this request at debug instead of info when it succeeds: for requests
 * that arrive all the time by design, such as an event feed's long polls (one
 * per consumer every 20 s), which would otherwise drown the traffic a person
 * reads the log for (issue 14). A failure is still a warning or an error.
 */
export function quietRequest(res: ServerResponse): void {
  quiet.add(res);
}

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
    // Probes and scrapes arrive every few seconds; at debug they do not drown the traffic.
    // A shed request is a warning: a flood of them must not drown real errors.
    customLogLevel: (req, res, err) =>
      err || (res.statusCode >= 500 && !isShedding(res))
        ? 'error'
        : res.statusCode >= 400
          ? 'warn'
          : quiet.has(res) || PROBES.has((req.url ?? '').split('?')[0]!)
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
