import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { BreakerState } from './circuit-breaker.js';

export type GatewayMetrics = {
  readonly registry: Registry;
  /** One answered (or abandoned) request, by table entry and upstream. */
  observe: (
    route: string,
    upstream: string,
    method: string,
    status: number,
    seconds: number,
  ) => void;
  /** One failed upstream call, by Node's error code. */
  upstreamError: (upstream: string, code: string) => void;
  /** One cache look-up (`token`, `user-status`, `user-status-redis`): hit or miss. */
  cache: (cache: string, outcome: 'hit' | 'miss') => void;
  /** One more try of an upstream call after a connection error, 502 or 503. */
  retry: (upstream: string) => void;
  /** An upstream's circuit breaker entered `state`. */
  breakerState: (upstream: string, state: BreakerState) => void;
  /** One request refused because its upstream's circuit was open. */
  breakerRejection: (upstream: string) => void;
};

/** The gauge's encoding: higher is worse. */
const BREAKER_STATE_VALUES: Readonly<Record<BreakerState, number>> = {
  closed: 0,
  'half-open': 1,
  open: 2,
};

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The gateway's own registry (not prom-client's global one, so tests can build
 * many gateways). Labels are table entries, never raw paths, so ids in URLs
 * cannot blow up cardinality. Label children are cached: looking one up by a
 * labels object costs more than the increment itself on the hot path.
 */
export function createGatewayMetrics(): GatewayMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'gateway' });
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'gateway_requests_total',
    help: 'Requests answered by the gateway, by route, upstream, method and status.',
    labelNames: ['route', 'upstream', 'method', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'gateway_request_duration_seconds',
    help: 'Time from request to the end of the response, by route and upstream.',
    labelNames: ['route', 'upstream'] as const,
    buckets: BUCKETS,
    registers: [registry],
  });
  const errors = new Counter({
    name: 'gateway_upstream_errors_total',
    help: 'Upstream calls that failed without an answer, by upstream and error code.',
    labelNames: ['upstream', 'code'] as const,
    registers: [registry],
  });

  const cacheLookups = new Counter({
    name: 'gateway_cache_lookups_total',
    help: 'Cache look-ups on the hot path, by cache and outcome (hit or miss).',
    labelNames: ['cache', 'outcome'] as const,
    registers: [registry],
  });

  const retries = new Counter({
    name: 'gateway_upstream_retries_total',
    help: 'Upstream calls tried again after a connection error, 502 or 503, by upstream.',
    labelNames: ['upstream'] as const,
    registers: [registry],
  });
  const breakerStates = new Gauge({
    name: 'gateway_breaker_state',
    help: "Each upstream's circuit breaker: 0 closed, 1 half-open, 2 open.",
    labelNames: ['upstream'] as const,
    registers: [registry],
  });
  const breakerRejections = new Counter({
    name: 'gateway_breaker_rejections_total',
    help: 'Requests answered 503 without calling the upstream, its circuit being open.',
    labelNames: ['upstream'] as const,
    registers: [registry],
  });

  const counters = new Map<string, Counter.Internal>();
  const cacheCounters = new Map<string, Counter.Internal>();
  const histograms = new Map<string, Histogram.Internal<'route' | 'upstream'>>();
  return {
    registry,
    observe: (route, upstream, method, status, seconds) => {
      const counterKey = `${route}\0${upstream}\0${method}\0${status}`;
      let counter = counters.get(counterKey);
      if (!counter) {
        counter = requests.labels(route, upstream, method, String(status));
        counters.set(counterKey, counter);
      }
      counter.inc();
      const histogramKey = `${route}\0${upstream}`;
      let histogram = histograms.get(histogramKey);
      if (!histogram) {
        histogram = duration.labels(route, upstream);
        histograms.set(histogramKey, histogram);
      }
      histogram.observe(seconds);
    },
    upstreamError: (upstream, code) => errors.labels(upstream, code).inc(),
    cache: (cache, outcome) => {
      const key = `${cache}\0${outcome}`;
      let counter = cacheCounters.get(key);
      if (!counter) {
        counter = cacheLookups.labels(cache, outcome);
        cacheCounters.set(key, counter);
      }
      counter.inc();
    },
    retry: (upstream) => retries.labels(upstream).inc(),
    breakerState: (upstream, state) =>
      breakerStates.labels(upstream).set(BREAKER_STATE_VALUES[state]),
    breakerRejection: (upstream) => breakerRejections.labels(upstream).inc(),
  };
}
