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

export type Readiness = Awaited<ReturnType<typeof runChecks>>;

/** How long one run of the checks answers `/readyz`: a probe sees a change this late at most. */
export const READINESS_FRESH_MS = 250;

/**
 * The checks as `/readyz` runs them: every caller shares the run in flight,
 * and its result answers for `freshMs` after. A flood of `/readyz` (public on
 * the gateway, issue 12) then costs each dependency a few checks a second
 * however many callers ask, instead of one check per request.
 */
export function sharedChecks(
  checks: ReadinessChecks,
  freshMs = READINESS_FRESH_MS,
): () => Promise<Readiness> {
  let last: { result: Promise<Readiness>; settledAt?: number } | undefined;
  return () => {
    if (last && (last.settledAt === undefined || Date.now() - last.settledAt < freshMs)) {
      return last.result;
    }
    const run: { result: Promise<Readiness>; settledAt?: number } = { result: runChecks(checks) };
    run.result.then(() => {
      run.settledAt = Date.now();
    });
    last = run;
    return run.result;
  };
}

/**
 * `/healthz` (the process is alive), `/readyz` (its dependencies answer: 200, or
 * 503 naming the one that failed) and `/metrics` (Prometheus text).
 */
export function healthRouter(options: { checks: ReadinessChecks; registry: Registry }): Router {
  const readiness = sharedChecks(options.checks);
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.set('cache-control', 'no-store').json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const { ok, checks } = await readiness();
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
