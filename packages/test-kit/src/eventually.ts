import { setTimeout as sleep } from 'node:timers/promises';

export type EventuallyOptions = { timeoutMs?: number; intervalMs?: number };

/**
 * Polls `check` until it returns true; after `timeoutMs` it fails naming
 * `what`. An error thrown by `check` fails at once: a check may assert on the
 * way. The timeout only ends a test that would hang: what the test asserts is
 * the condition, never how fast it came.
 */
export async function eventually(
  what: string,
  check: () => boolean | Promise<boolean>,
  { timeoutMs = 5_000, intervalMs = 10 }: EventuallyOptions = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting: ${what}`);
    await sleep(intervalMs);
  }
}
