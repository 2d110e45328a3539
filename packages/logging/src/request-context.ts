import { AsyncLocalStorage } from 'node:async_hooks';
import { type TraceContext, traceparentOf } from './trace-context.js';

const storage = new AsyncLocalStorage<TraceContext>();

/** Runs `fn` with `ctx` as the current request's context (request id, trace). */
export function runWithContext<T>(ctx: TraceContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

export function currentContext(): TraceContext | undefined {
  return storage.getStore();
}

/** Headers that carry the current request's identity to an outgoing call. */
export function propagationHeaders(): Record<string, string> {
  const ctx = storage.getStore();
  return ctx ? { 'x-request-id': ctx.requestId, traceparent: traceparentOf(ctx) } : {};
}
