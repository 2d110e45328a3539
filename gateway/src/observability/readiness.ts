import { type Readiness, sharedChecks } from '@portico/lifecycle';
import type { EndpointPool } from '../routing/endpoint-pool.js';

/** Short: /readyz is polled by orchestrators, and one slow upstream must not stall it. */
const HEALTH_CHECK_TIMEOUT_MS = 1_000;

/**
 * One check per endpoint: its `/healthz` answers 2xx within the timeout. The
 * detail lists every endpoint (by the upstream's name, with replicas by
 * `name@host`); the gateway is ready while each upstream has one endpoint that
 * answers, since the pool sends around a replica that is down.
 */
export function upstreamChecks(
  pools: readonly EndpointPool[],
  timeoutMs = HEALTH_CHECK_TIMEOUT_MS,
): () => Promise<Readiness> {
  const shared = sharedChecks(
    Object.fromEntries(
      pools.flatMap((pool) =>
        pool.endpoints.map(({ label, url }) => [
          label,
          async () => {
            const response = await fetch(`${url}/healthz`, {
              signal: AbortSignal.timeout(timeoutMs),
            });
            await response.body?.cancel();
            if (!response.ok) throw new Error(`${label} answered ${response.status}`);
          },
        ]),
      ),
    ),
  );
  return async () => {
    const { checks } = await shared();
    const ok = pools.every((pool) =>
      pool.endpoints.some((endpoint) => checks[endpoint.label] === 'ok'),
    );
    return { ok, checks };
  };
}
