import type { Logger } from '@portico/logging';

/**
 * Shorter than `npm start`'s 60 s readiness deadline, so a feed that never
 * comes up is warned about before the start gives up; longer than the few
 * seconds the auth service and the producers take to boot on a loaded machine.
 */
export const START_GRACE_MS = 30_000;
const REPEAT_EVERY = 20;

/**
 * How a follower of an event feed reports that the feed cannot be reached,
 * without a screenful of warnings while the services start together (issue 14).
 * Until the feed has answered once, failures within the grace period are debug:
 * the producer, or the auth service that issues the token to read it, is still
 * starting. After that, the first failure of an outage is a warning, then every
 * 20th, and the recovery from a warned outage is one info line.
 */
export function feedOutageLog(options: {
  logger: Logger;
  message: string;
  source: string;
  graceMs?: number;
}) {
  const { logger, message, source } = options;
  const graceEnds = Date.now() + (options.graceMs ?? START_GRACE_MS);
  let answered = false;
  let warned = false;
  let failures = 0;

  return {
    /** Counts a failed try and logs it as above; returns the failures in a row, for backoff. */
    failed(error: unknown): number {
      failures += 1;
      const fields = { err: (error as Error).message, source, failures };
      if (!answered && Date.now() < graceEnds) logger.debug(fields, `${message} (starting up)`);
      else if (!warned || failures % REPEAT_EVERY === 0) {
        logger.warn(fields, message);
        warned = true;
      }
      return failures;
    },
    /** The feed answered. */
    answered(): void {
      if (warned) logger.info({ source, failures }, 'event feed reachable again');
      answered = true;
      warned = false;
      failures = 0;
    },
  };
}
