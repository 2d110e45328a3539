import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@portico/logging';
import type { GatewayMetrics } from './metrics.js';

/** Status recorded for a client that went away before its answer was complete (nginx's 499). */
const CLIENT_CLOSED = 499;

export type RequestLabels = {
  /** The route-table entry or admin path; `unmatched` for a 404. Never the raw path. */
  route: string;
  /** The upstream's name, or `gateway` when the gateway answered itself. */
  upstream: string;
  requestId: string;
  /** Probe and scrape endpoints log at debug so they do not drown the real traffic. */
  quiet?: boolean;
  /** Read when the response ends: why the upstream call failed, if it did. */
  upstreamError?: () => string | undefined;
  /** Read when the response ends: the verified caller's user id, if any. */
  userId?: () => string | undefined;
};

/**
 * The request line holds only the fields below (never a header, query string or
 * body), so nothing in it is for the logger's redaction to find; redacting it
 * anyway cost ~10 of its ~13 µs (pino 10, measured), the largest single cost of
 * logging on the hot path. A child without redaction writes it; the parent
 * logger, with its redaction, is untouched for everything else.
 */
const lineLoggers = new WeakMap<Logger, Logger>();

function lineLoggerOf(logger: Logger): Logger {
  let lineLogger = lineLoggers.get(logger);
  if (!lineLogger) {
    lineLogger = logger.child({}, { redact: [] });
    lineLoggers.set(logger, lineLogger);
  }
  return lineLogger;
}

/**
 * One JSON line and one metric sample per request, when the response ends or
 * the client goes away. Only method, route, status, upstream, latency and
 * request id: never a header value, query string or body.
 */
export function recordRequest(
  req: IncomingMessage,
  res: ServerResponse,
  startedAt: bigint,
  labels: RequestLabels,
  logger: Logger,
  metrics: GatewayMetrics,
): void {
  res.once('close', () => {
    const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
    const status = res.writableFinished ? res.statusCode : CLIENT_CLOSED;
    const method = req.method ?? 'UNKNOWN';
    metrics.observe(labels.route, labels.upstream, method, status, seconds);
    const level = labels.quiet
      ? 'debug'
      : status >= 500
        ? 'error'
        : status >= 400
          ? 'warn'
          : 'info';
    if (!logger.isLevelEnabled(level)) return;
    const upstreamError = labels.upstreamError?.();
    const userId = labels.userId?.();
    lineLoggerOf(logger)[level](
      {
        method,
        route: labels.route,
        status,
        upstream: labels.upstream,
        latencyMs: Math.round(seconds * 10_000) / 10,
        requestId: labels.requestId,
        ...(userId ? { userId } : {}),
        ...(upstreamError ? { upstreamError } : {}),
      },
      'request completed',
    );
  });
}
