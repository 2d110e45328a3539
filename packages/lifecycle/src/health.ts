import { Router } from 'express';
import type { Registry } from 'prom-client';

/** A named dependency check: resolves when reachable, rejects (or times out) when not. */
export type ReadinessChecks = Record<string, () => Promise<unknown>>;

const CHECK_TIMEOUT_MS = 2000;

function withTimeout(check: () => Promise<unknown>): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS);
  });
  // A check that throws instead of rejecting (a closed client) is unavailable, not a 500.
  const result = new Promise((resolve) => resolve(check()));
  return Promise.race([result, timeout]).finally(() => clearTimeout(timer));
}

/** Runs every check at once; the result names each dependency and whether it answered. */
export async function runChecks(checks: ReadinessChecks) {
  const names = Object.keys(checks);
  const results = await Promise.allSettled(names.map((name) => withTimeout(checks[name]!)));
  const report = Object.fromEntries(
    names.map((name, i) => [name, results[i]!.status === 'fulfilled' ? 'ok' : 'unavailable']),
  );
  return { ok: results.every((r) => r.status === 'fulfilled'), checks: report };
}

/**
 * `/healthz` (the process is alive), `/readyz` (its dependencies answer: 200, or
 * 503 naming the one that failed) and `/metrics` (Prometheus text).
 */
export function healthRouter(options: { checks: ReadinessChecks; registry: Registry }): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.set('cache-control', 'no-store').json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const { ok, checks } = await runChecks(options.checks);
    res
      .status(ok ? 200 : 503)
      .set('cache-control', 'no-store')
      .json({ status: ok ? 'ready' : 'unavailable', checks });
  });
  router.get('/metrics', async (_req, res) => {
    res.set('content-type', options.registry.contentType).send(await options.registry.metrics());
  });
  return router;
}
