import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { BreakerState } from '../resilience/circuit-breaker.js';

export type GatewayMetrics = {
  readonly registry: Registry;
  /** One answered (or abandoned) request, by table entry and upstream; a WebSocket (101) when it closes. */
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
  /** A WebSocket on the route opened (1) or closed (-1). */
  webSocket: (route: string, upstream: string, change: 1 | -1) => void;
};

/** The gauge's encoding: higher is worse. */
const BREAKER_STATE_VALUES: Readonly<Record<BreakerState, number>> = {
  closed: 0,
  'half-open': 1,
  open: 2,
};

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Counts kept as plain numbers between scrapes, for one labelled counter. */
type Tally = { readonly labels: Readonly<Record<string, string>>; count: number };

/** Hands the counts gathered since the last scrape to prom-client (a counter's `collect`). */
function flush(counter: Counter, tallies: Iterable<Tally>): void {
  for (const tally of tallies) {
    if (tally.count === 0) continue;
    counter.inc(tally.labels, tally.count);
    tally.count = 0;
  }
}

/** One route and upstream's series: its histogram child and its counts by method and status. */
type RouteSeries = {
  readonly duration: Histogram.Internal<'route' | 'upstream'>;
  readonly counts: Map<string, Map<number, Tally>>;
};

/**
 * The gateway's own registry (not prom-client's global one, so tests can build
 * many gateways). Labels are table entries, never raw paths, so ids in URLs
 * cannot blow up cardinality.
 *
 * The counters bumped on every request (requests, cache look-ups) count in
 * plain numbers and reach prom-client when it collects, at scrape time: a
 * prom-client increment hashes its labels and checks them on every call,
 * even through a cached child (~0.5 µs each, three a request). Scrapes see
 * the same totals. The histogram observes directly: it has no bulk entry point.
 */
export function createGatewayMetrics(): GatewayMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'gateway' });
  collectDefaultMetrics({ register: registry });

  const requestTallies: Tally[] = [];
  const cacheTallies = new Map<string, Tally>();
  new Counter({
    name: 'gateway_requests_total',
    help: 'Requests answered by the gateway, by route, upstream, method and status.',
    labelNames: ['route', 'upstream', 'method', 'status'] as const,
    registers: [registry],
    collect() {
      flush(this, requestTallies);
    },
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

  new Counter({
    name: 'gateway_cache_lookups_total',
    help: 'Cache look-ups on the hot path, by cache and outcome (hit or miss).',
    labelNames: ['cache', 'outcome'] as const,
    registers: [registry],
    collect() {
      flush(this, cacheTallies.values());
    },
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

  const webSockets = new Gauge({
    name: 'gateway_websockets_open',
    help: 'WebSockets open through the gateway, by route and upstream.',
    labelNames: ['route', 'upstream'] as const,
    registers: [registry],
  });

  // route → upstream → series: nested maps of the (interned) label strings, so
  // finding a series builds no key string.
  const series = new Map<string, Map<string, RouteSeries>>();
  const seriesOf = (route: string, upstream: string): RouteSeries => {
    let byUpstream = series.get(route);
    if (!byUpstream) {
      byUpstream = new Map();
      series.set(route, byUpstream);
    }
    let found = byUpstream.get(upstream);
    if (!found) {
      found = { duration: duration.labels(route, upstream), counts: new Map() };
      byUpstream.set(upstream, found);
    }
    return found;
  };
  const tallyOf = (
    route: string,
    upstream: string,
    found: RouteSeries,
    method: string,
    status: number,
  ): Tally => {
    let byStatus = found.counts.get(method);
    if (!byStatus) {
      byStatus = new Map();
      found.counts.set(method, byStatus);
    }
    let tally = byStatus.get(status);
    if (!tally) {
      tally = { labels: { route, upstream, method, status: String(status) }, count: 0 };
      byStatus.set(status, tally);
      requestTallies.push(tally);
    }
    return tally;
  };

  return {
    registry,
    observe: (route, upstream, method, status, seconds) => {
      const found = seriesOf(route, upstream);
      tallyOf(route, upstream, found, method, status).count += 1;
      // A 101's time is a WebSocket's lifetime, not a latency: it would swamp the route's.
      if (status !== 101) found.duration.observe(seconds);
    },
    upstreamError: (upstream, code) => errors.labels(upstream, code).inc(),
    cache: (cache, outcome) => {
      const key = outcome === 'hit' ? cache : `${cache}\0miss`;
      let tally = cacheTallies.get(key);
      if (!tally) {
        tally = { labels: { cache, outcome }, count: 0 };
        cacheTallies.set(key, tally);
      }
      tally.count += 1;
    },
    retry: (upstream) => retries.labels(upstream).inc(),
    breakerState: (upstream, state) =>
      breakerStates.labels(upstream).set(BREAKER_STATE_VALUES[state]),
    breakerRejection: (upstream) => breakerRejections.labels(upstream).inc(),
    webSocket: (route, upstream, change) => webSockets.labels(route, upstream).inc(change),
  };
}
