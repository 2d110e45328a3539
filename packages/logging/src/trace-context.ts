import { randomBytes, randomUUID } from 'node:crypto';

/** W3C Trace Context (https://www.w3.org/TR/trace-context/#traceparent-header). */
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ALL_ZERO = /^0+$/;
/** A client's request id is echoed back only if it is short and plain. */
const REQUEST_ID = /^[\w.:-]{1,128}$/;

export type TraceContext = {
  requestId: string;
  traceId: string;
  /** This process's span: the parent id it passes on to outgoing calls. */
  spanId: string;
  flags: string;
};

export function newSpanId(): string {
  return randomBytes(8).toString('hex');
}

/** Accepts the caller's request id and traceparent when well-formed, else starts new ones. */
export function traceContextFrom(
  headers: Readonly<Record<string, string | string[] | undefined>>,
): TraceContext {
  const givenId = headers['x-request-id'];
  const requestId =
    typeof givenId === 'string' && REQUEST_ID.test(givenId) ? givenId : randomUUID();
  const given = headers.traceparent;
  const match = typeof given === 'string' ? TRACEPARENT.exec(given) : null;
  const valid = match && !ALL_ZERO.test(match[1]!) && !ALL_ZERO.test(match[2]!);
  return {
    requestId,
    traceId: valid ? match[1]! : randomBytes(16).toString('hex'),
    spanId: newSpanId(),
    flags: valid ? match[3]! : '01',
  };
}

export function traceparentOf(ctx: TraceContext): string {
  return `00-${ctx.traceId}-${ctx.spanId}-${ctx.flags}`;
}
