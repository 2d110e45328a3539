import type { ReadinessChecks } from '@portico/lifecycle';

/** Short: /readyz is polled by orchestrators, and one slow upstream must not stall it. */
const HEALTH_CHECK_TIMEOUT_MS = 1_000;

/** One check per upstream: its `/healthz` answers 2xx within the timeout. */
export function upstreamChecks(
  upstreams: readonly { name: string; url: string }[],
  timeoutMs = HEALTH_CHECK_TIMEOUT_MS,
): ReadinessChecks {
  return Object.fromEntries(
    upstreams.map(({ name, url }) => [
      name,
      async () => {
        const response = await fetch(`${url}/healthz`, {
          signal: AbortSignal.timeout(timeoutMs),
        });
        await response.body?.cancel();
        if (!response.ok) throw new Error(`${name} answered ${response.status}`);
      },
    ]),
  );
}
