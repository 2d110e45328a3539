import type { Logger } from 'pino';

/**
 * Shorter than `npm start`'s 60 s readiness deadline, so a dependency that never
 * comes up is warned about before the start gives up; longer than the few
 * seconds the auth service and the others take to boot on a loaded machine.
 */
export const START_GRACE_MS = 30_000;
const REPEAT_EVERY = 20;

/**
 * How a loop that keeps trying a dependency (an event feed, the auth service)
 * reports that it cannot reach it, without a screenful of warnings while the
 * services start together (issue 14). Until the dependency has answered once,
 * failures within the grace period are debug: it is still starting. After
 * that, the first failure of an outage is a warning, then every 20th, and the
 * end of a warned outage is one info line.
 */
export function outageLog(options: {
  logger: Logger;
  /** The warning, e.g. "event feed unavailable". */
  down: string;
  /** The line when it answers again, e.g. "event feed reachable again". */
  up: string;
  /** Fields for every line, e.g. `{ source: 'auth' }`. */
  fields?: Record<string, unknown>;
  graceMs?: number;
}) {
  const { logger, down, up, fields } = options;
  const graceEnds = Date.now() + (options.graceMs ?? START_GRACE_MS);
  let answered = false;
  let warned = false;
  let failures = 0;

  return {
    /** Counts a failed try and logs it as above; returns the failures in a row, for backoff. */
    failed(error: unknown): number {
      failures += 1;
      const line = { ...fields, err: (error as Error).message, failures };
      if (!answered && Date.now() < graceEnds) logger.debug(line, `${down} (starting up)`);
      else if (!warned || failures % REPEAT_EVERY === 0) {
        logger.warn(line, down);
        warned = true;
      }
      return failures;
    },
    /** The dependency answered. */
    answered(): void {
      if (warned) logger.info({ ...fields, failures }, up);
      answered = true;
      warned = false;
      failures = 0;
    },
  };
}
