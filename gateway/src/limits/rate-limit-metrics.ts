import { Counter, Gauge, type Registry } from 'prom-client';
import type { StoreKind } from './rate-limit-store.js';

export type RateLimitMetrics = {
  /** One request refused with a 429, by route-table entry and the policy that refused it. */
  limited: (route: string, policy: string) => void;
  /** Where the counts go now; `fellBack` when Redis failed under traffic. */
  store: (kind: StoreKind, fellBack: boolean) => void;
};

/** The rate limiter's series, on the gateway's own registry (so they show at `/metrics`). */
export function createRateLimitMetrics(registry: Registry): RateLimitMetrics {
  const limited = new Counter({
    name: 'gateway_rate_limited_total',
    help: 'Requests refused with 429, by route and policy (caller, login or token checks).',
    labelNames: ['route', 'policy'] as const,
    registers: [registry],
  });
  const store = new Gauge({
    name: 'gateway_rate_limit_store',
    help: 'Where rate-limit counts are kept: 1 for the store in use (redis or memory), else 0.',
    labelNames: ['store'] as const,
    registers: [registry],
  });
  const fallbacks = new Counter({
    name: 'gateway_rate_limit_store_fallbacks_total',
    help: 'Times Redis failed and rate limits fell back to in-process counts.',
    registers: [registry],
  });
  // Refusals are rare next to requests, but a flood of them is when this runs most.
  const children = new Map<string, Counter.Internal>();
  return {
    limited: (route, policy) => {
      const key = `${route}\0${policy}`;
      let child = children.get(key);
      if (!child) {
        child = limited.labels(route, policy);
        children.set(key, child);
      }
      child.inc();
    },
    store: (kind, fellBack) => {
      store.labels('redis').set(kind === 'redis' ? 1 : 0);
      store.labels('memory').set(kind === 'memory' ? 1 : 0);
      if (fellBack) fallbacks.inc();
    },
  };
}
