export { requestLogger } from './http-logger.js';
export { chooseLogFormat, type LogFormat } from './log-format.js';
export { createLogger, type Logger } from './logger.js';
export { outageLog, START_GRACE_MS } from './outage-log.js';
export { currentContext, propagationHeaders, runWithContext } from './request-context.js';
export { newSpanId, type TraceContext, traceContextFrom, traceparentOf } from './trace-context.js';
