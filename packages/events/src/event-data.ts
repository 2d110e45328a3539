import { z } from 'zod';
import type { EventEnvelope } from './envelope.js';

/**
 * An event's `data`, checked against what its consumer needs of it. An event
 * that breaks its contract is its producer's bug: this throws before the
 * handler touches anything, and the consumer retries the event, then
 * dead-letters it for an operator and goes on with the events behind it.
 */
export function eventData<T>(schema: z.ZodType<T>, event: EventEnvelope): T {
  const result = schema.safeParse(event.data);
  if (!result.success)
    throw new Error(
      `${event.type} ${event.id} breaks its contract: ${z.prettifyError(result.error)}`,
    );
  return result.data;
}
