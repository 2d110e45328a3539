import { ServiceUnavailableError, TooManyRequestsError } from '@portico/errors';
import { ORDER_ERRORS } from '../errors.js';

/**
 * Counts the event streams open in this process, per process and per user, so
 * a flood of watchers (each holds a socket and a place in the watch's query)
 * is refused up front instead of starving the service. Shutdown ends them all:
 * an open stream would otherwise hold the drain until its deadline.
 */
export function createStreamSlots(limits: { maxOpen: number; maxPerUser: number }) {
  const open = new Set<() => void>();
  const perUser = new Map<string, number>();

  return {
    /**
     * Takes a slot for `userId`'s stream, whose `end` shutdown calls; returns
     * the release. Throws 503 past the process's bound, 429 past the user's.
     */
    take(userId: string, end: () => void): () => void {
      if (open.size >= limits.maxOpen) {
        throw new ServiceUnavailableError(
          'Too many order streams are open here; try again shortly.',
          ORDER_ERRORS.TOO_MANY_STREAMS.code,
          5,
        );
      }
      const mine = perUser.get(userId) ?? 0;
      if (mine >= limits.maxPerUser) {
        throw new TooManyRequestsError(
          5,
          `At most ${limits.maxPerUser} order streams may be open at once.`,
          ORDER_ERRORS.TOO_MANY_USER_STREAMS.code,
        );
      }
      open.add(end);
      perUser.set(userId, mine + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        open.delete(end);
        const left = (perUser.get(userId) ?? 1) - 1;
        if (left === 0) perUser.delete(userId);
        else perUser.set(userId, left);
      };
    },
    /** Ends every open stream (draining). */
    endAll(): void {
      for (const end of [...open]) end();
    },
  };
}

export type StreamSlots = ReturnType<typeof createStreamSlots>;
