import type { Logger } from '@portico/logging';
import type { GatewayConfig } from '../config.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import type { Stage } from '../pipeline.js';
import { upstreamCalls } from '../proxy/upstream.js';
import { withResilience } from '../resilience/resilience.js';
import { createWebSocketUpstream } from '../streaming/websocket-upstream.js';
import { createEndpointPool, type EndpointPool } from './endpoint-pool.js';
import type { Route } from './route-table.js';
import type { RoutesSpec, UpstreamSpec } from './routes-file.js';

/** The routes the listener matches against, and the endpoint pools they send to. */
export type RouteTable = {
  readonly routes: readonly Route[];
  readonly pools: ReadonlyMap<string, EndpointPool>;
};

export type RouteTableDeps = {
  config: GatewayConfig;
  metrics: GatewayMetrics;
  logger: Logger;
  /** The per-caller limit of a route: the gateway's shared one, or a budget of the route's own. */
  limiterFor: (pattern: string, perMinute: number | undefined) => Stage;
};

const sameUrls = (pool: EndpointPool, spec: UpstreamSpec) =>
  pool.endpoints.length === spec.urls.length &&
  pool.endpoints.every((endpoint, i) => endpoint.url === spec.urls[i]);

/**
 * Resolves every route's policies (defaults from the configuration, its
 * limiter, its forwarder) once, so the hot path reads fields. An upstream whose
 * URLs did not change keeps its pool from `previous`, with its pooled sockets
 * and its endpoints' health; `retired` lists the pools nothing uses any more.
 */
export function buildRouteTable(
  spec: RoutesSpec,
  deps: RouteTableDeps,
  previous?: RouteTable,
): { table: RouteTable; retired: EndpointPool[] } {
  const { config, metrics, logger } = deps;
  const timeoutOf = (route: RoutesSpec['routes'][number]) =>
    route.timeoutMs ?? spec.upstreams.get(route.upstream)!.timeoutMs ?? config.UPSTREAM_TIMEOUT_MS;
  const pools = new Map<string, EndpointPool>();
  for (const upstream of spec.upstreams.values()) {
    // A trial call may take as long as the slowest route to the upstream allows.
    const trialTimeoutMs = Math.max(
      upstream.timeoutMs ?? config.UPSTREAM_TIMEOUT_MS,
      ...spec.routes.filter((route) => route.upstream === upstream.name).map(timeoutOf),
    );
    const kept = previous?.pools.get(upstream.name);
    pools.set(
      upstream.name,
      kept && sameUrls(kept, upstream)
        ? kept
        : createEndpointPool({
            name: upstream.name,
            urls: upstream.urls,
            breaker: {
              failureThreshold: config.BREAKER_FAILURE_THRESHOLD,
              halfOpenAfterMs: config.BREAKER_HALF_OPEN_AFTER_MS,
            },
            trialTimeoutMs,
            metrics,
            logger,
          }),
    );
  }

  const routes = spec.routes.map((route): Route => {
    const upstream = spec.upstreams.get(route.upstream)!;
    const bodyLimitBytes = route.bodyLimitBytes ?? config.BODY_LIMIT_BYTES;
    const policies = {
      pool: pools.get(route.upstream)!,
      timeoutMs: timeoutOf(route),
      retries: route.retries ?? upstream.retries ?? config.UPSTREAM_RETRIES,
      bodyLimitBytes,
      metrics,
      logger,
    };
    const forward = withResilience({
      ...policies,
      name: upstream.name,
      send: upstreamCalls({
        name: upstream.name,
        timeoutMs: policies.timeoutMs,
        streamIdleTimeoutMs: config.STREAM_IDLE_TIMEOUT_MS,
        metrics,
        logger,
      }),
    });
    return Object.freeze({
      ...route,
      bodyLimitBytes,
      limiter: deps.limiterFor(route.pattern, route.rateLimitPerMinute),
      forward,
      upgrade: route.websocket
        ? createWebSocketUpstream({ ...policies, idleMs: config.STREAM_IDLE_TIMEOUT_MS })
        : undefined,
    });
  });

  const retired = [...(previous?.pools.values() ?? [])].filter(
    (pool) => ![...pools.values()].includes(pool),
  );
  return { table: Object.freeze({ routes: Object.freeze(routes), pools }), retired };
}
