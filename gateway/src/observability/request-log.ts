import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@portico/logging';
import type { GatewayMetrics } from './metrics.js';

/** Status recorded for a client that went away before its answer was complete (nginx's 499). */
const CLIENT_CLOSED = 499;

/**
 * What the log line and the metric sample say of one request, read when the
 * response ends. A proxied request's exchange is one (no object of its own).
 */
export type LoggedRequest = {
  readonly req: IncomingMessage;
  /** `process.hrtime.bigint()` when the request arrived. */
  readonly startedAt: bigint;
  readonly trace: { readonly requestId: string };
  /**
   * The route-table entry, by its pattern and upstream; for what the gateway
   * answers itself, its admin path (`unmatched` for a 404) and `gateway`. Never the raw path.
   */
  readonly route: { readonly pattern: string; readonly upstream: string };
  /** Probe and scrape endpoints log at debug so they do not drown the real traffic. */
  readonly quiet?: boolean;
  /** The verified caller, if any: its user id goes in the line. */
  readonly caller: { readonly sub: string } | undefined;
  /** Why the upstream call failed, if it did. */
  readonly upstreamError: string | undefined;
};

export type RequestLog = (res: ServerResponse, request: LoggedRequest) => void;

const RECORD = Symbol('portico.logged-request');
type Recorded = ServerResponse & { [RECORD]?: LoggedRequest };

/**
 * One JSON line and one metric sample per request, when the response ends or
 * the client goes away. Only method, route, status, upstream, latency, request
 * id and user id: never a header value, query string or body.
 *
 * The line holds nothing for the logger's redaction to find, and redacting it
 * anyway cost ~10 of its ~13 µs (pino 10, measured): lines go through a child
 * without redaction (the parent, with it, is untouched for everything else).
 * Route and upstream are that child's bindings, one child per pair, so pino
 * serialises them once, not on every line. The `close` listener is one
 * function for every response, finding its record on the response: no
 * closure per request.
 */
export function createRequestLog(logger: Logger, metrics: GatewayMetrics): RequestLog {
  const plain = logger.child({}, { redact: [] });
  const lineLoggers = new Map<string, Logger>();
  const lineLoggerOf = (route: string, upstream: string): Logger => {
    const key = `${route} ${upstream}`;
    let lineLogger = lineLoggers.get(key);
    if (!lineLogger) {
      lineLogger = plain.child({ route, upstream });
      lineLoggers.set(key, lineLogger);
    }
    return lineLogger;
  };
  // Looked up again only when the pair changes, which on a busy route it rarely does.
  let lastLabel = '';
  let lastUpstream = '';
  let lastLogger = plain;

  function onClose(this: Recorded): void {
    const request = this[RECORD]!;
    this[RECORD] = undefined;
    const seconds = Number(process.hrtime.bigint() - request.startedAt) / 1e9;
    const status = this.writableFinished ? this.statusCode : CLIENT_CLOSED;
    const method = request.req.method ?? 'UNKNOWN';
    const { pattern, upstream } = request.route;
    metrics.observe(pattern, upstream, method, status, seconds);
    const level = request.quiet
      ? 'debug'
      : status >= 500
        ? 'error'
        : status >= 400
          ? 'warn'
          : 'info';
    if (!logger.isLevelEnabled(level)) return;
    if (pattern !== lastLabel || upstream !== lastUpstream) {
      lastLabel = pattern;
      lastUpstream = upstream;
      lastLogger = lineLoggerOf(lastLabel, lastUpstream);
    }
    // One shape for every line; pino leaves out the fields that are undefined.
    lastLogger[level](
      {
        method,
        status,
        latencyMs: Math.round(seconds * 10_000) / 10,
        requestId: request.trace.requestId,
        userId: request.caller?.sub,
        upstreamError: request.upstreamError,
      },
      'request completed',
    );
  }

  return (res, request) => {
    (res as Recorded)[RECORD] = request;
    // `on`, not `once`: a response closes once, and `once` wraps each listener.
    res.on('close', onClose);
  };
}
