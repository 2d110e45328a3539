import type { Logger } from '@portico/logging';
import type { KeyRing } from './key-ring.js';

/** Rotates the signing key once the active one is older than the interval. */
export function startKeyRotation(deps: {
  keyRing: KeyRing;
  intervalSeconds: number;
  logger: Logger;
}) {
  const intervalMs = deps.intervalSeconds * 1000;
  // Check often enough to rotate near the interval, but never more than once a minute.
  const checkEveryMs = Math.max(60_000, Math.min(intervalMs / 10, 3_600_000));
  const timer = setInterval(async () => {
    try {
      if ((await deps.keyRing.activeKeyAge()) < intervalMs) return;
      const keys = await deps.keyRing.rotate();
      deps.logger.info(keys, 'signing key rotated on schedule');
    } catch (err) {
      deps.logger.error({ err }, 'scheduled key rotation failed');
    }
  }, checkEveryMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
