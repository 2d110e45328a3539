import { setTimeout as sleep } from 'node:timers/promises';

export type EventuallyOptions = { timeoutMs?: number; intervalMs?: number };

/**
 * Polls `check` until it returns true, and resolves to the milliseconds that
 * took (for a report). After `timeoutMs` it fails naming `what`; an error
 * thrown by `check` fails at once, so a check may assert on the way. The
 * timeout only ends a test that would hang: a test asserts the condition,
 * never how fast it came.
 */
export async function eventually(
  what: string,
  check: () => boolean | Promise<boolean>,
  { timeoutMs = 5_000, intervalMs = 10 }: EventuallyOptions = {},
): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) {
      throw new Error(`timed out after ${timeoutMs} ms waiting: ${what}`);
    }
    await sleep(intervalMs);
  }
  return Date.now() - started;
}

/**
 * Runs `check`, an assertion, until it stops throwing, and resolves to its
 * value; after `timeoutMs` it rethrows the last failure, so the test reports
 * what was still wrong.
 */
export async function untilPasses<T>(
  check: () => Promise<T>,
  { timeoutMs = 5_000, intervalMs = 100 }: EventuallyOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(intervalMs);
    }
  }
}
