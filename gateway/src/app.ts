import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { createServiceVerifier } from '@portico/events';
import type { UpgradeListener } from '@portico/lifecycle';
import { type Logger, type TraceContext, traceContextFrom, traceparentOf } from '@portico/logging';
import { createUserDirectory, type UserStatusCache } from '@portico/user-directory';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { ADMIN_PATHS, createAdminApp, RELOAD_PATH } from './admin/admin-app.js';
import { docsRoute } from './admin/docs.js';
import { checkToken } from './auth/edge-auth.js';
import { checkUserStatus } from './auth/user-status.js';
import type { GatewayConfig } from './config.js';
import { type Exchange, startExchange } from './exchange.js';
import { refuseOversizedBody } from './limits/body-limit.js';
import { createRateLimits } from './limits/rate-limit.js';
import { createGatewayMetrics } from './observability/metrics.js';
import { createRequestLog } from './observability/request-log.js';
import { runPipeline, type Stage } from './pipeline.js';
import { internalError, sendProblem } from './problems.js';
import { type Cors, createCors } from './proxy/cors.js';
import { prepareUpstreamHeaders, setAnswerHeaders } from './proxy/headers.js';
import { createLiveRoutes, type ReloadOutcome } from './routing/live-routes.js';
import { canonicalPath, routeFor } from './routing/route-table.js';
import { DEFAULT_ROUTES_FILE, type RoutesSpec } from './routing/routes-file.js';
import { socketResponse } from './streaming/socket-response.js';
import {
  admitHandshake,
  ignoreUpgrade,
  isWebSocketHandshake,
  openWebSocket,
} from './streaming/websocket.js';

export type GatewayDeps = {
  config: GatewayConfig;
  logger: Logger;
  /** The shared cache tier (and rate-limit store) when REDIS_URL is set. */
  redis?: Redis;
  /** The validated routes file; by default read from GATEWAY_ROUTES_FILE (or the shipped one) here. */
  routes?: RoutesSpec;
};

export type Gateway = {
  /** The node:http request listener: hand it to `serve()` or `http.createServer()`. */
  listener: RequestListener;
  /** The server's `upgrade` listener: WebSocket handshakes to routes that take them. */
  upgrade: UpgradeListener;
  /** The gateway's Prometheus registry (also served at `/metrics`). */
  registry: Registry;
  /** The callers' statuses; `user.*` events invalidate entries through it. */
  userStatuses: UserStatusCache;
  /**
   * Reads the routes file again and swaps the table in: requests already
   * routed finish on the old one. A file that fails validation is refused
   * (logged with its problems) and the running table keeps serving.
   */
  reload: () => ReloadOutcome;
  /** Closes the upstreams' pooled sockets; call after the server has drained. */
  close: () => Promise<void>;
};

function answerPreflight(cors: Cors): Stage {
  return (exchange) => {
    if (!cors.isPreflight(exchange.req)) return true;
    setAnswerHeaders(exchange.res, exchange);
    cors.answerPreflight(exchange.req, exchange.res);
    return false;
  };
}

/** The probes orchestrators and start-up waits ask often; both are answered from memory. */
const PROBES: ReadonlySet<string> = new Set(['/healthz', '/readyz']);

/** The per-caller limit of the route: the gateway's, or the route's own budget. */
const limitCaller: Stage = (exchange) => exchange.route.limiter(exchange);

/** The last stage before the upstream call: what the upstream may see of the client's request. */
const rewriteForUpstream: Stage = ({ req, trace, traceparent }) => {
  prepareUpstreamHeaders(req, trace, traceparent);
  // The target goes upstream as sent (upstream.ts): less a fragment, which is
  // never part of a request target (RFC 9112 §3.2) though Node's parser keeps it.
  const fragment = req.url!.indexOf('#');
  if (fragment !== -1) req.url = req.url!.slice(0, fragment);
  return true;
};

/**
 * Builds the gateway without listening. Routed requests take the lean node:http
 * path (route match → stages → an undici call upstream); everything else goes to
 * the express admin app. Edge token verification, user status and rate limits
 * are stages that slot in before `rewriteForUpstream`; retries and the circuit
 * breaker wrap each try in the route's forwarder (`withResilience`, resilience.ts).
 */
export function createGateway(deps: GatewayDeps): Gateway {
  const { config, logger } = deps;
  const metrics = createGatewayMetrics();
  const cors = createCors(config.CORS_ORIGINS);
  const admin = createAdminApp({
    logger,
    registry: metrics.registry,
    readiness: () => live.readiness(),
    reloadRoutes: () => live.reload(),
    metricsToken: config.METRICS_TOKEN,
    docs: { oauthClientId: config.DOCS_OAUTH_CLIENT_ID },
    demoClientId: config.DEMO_OAUTH_CLIENT_ID,
  });

  const { verifier, close: closeVerifier } = createServiceVerifier({
    config,
    logger,
    redis: deps.redis,
    cacheMaxEntries: config.TOKEN_CACHE_MAX,
  });
  const userDirectory = createUserDirectory({
    owner: 'gateway',
    authUrl: config.AUTH_SERVICE_URL,
    userServiceUrl: config.USER_SERVICE_URL,
    clientId: config.SERVICE_CLIENT_ID,
    clientSecret: config.SERVICE_CLIENT_SECRET,
    timeoutMs: Math.min(config.UPSTREAM_TIMEOUT_MS, 2000),
    ttlSeconds: config.USER_CACHE_TTL_SECONDS,
    negativeTtlSeconds: config.USER_CACHE_NEGATIVE_TTL_SECONDS,
    redis: deps.redis,
    prefix: config.REDIS_PREFIX,
    logger,
    onLookup: (tier, outcome) =>
      metrics.cache(tier === 'memory' ? 'user-status' : 'user-status-redis', outcome),
  });
  const userStatuses = userDirectory.statuses;

  const rateLimits = createRateLimits({
    perMinute: config.RATE_LIMIT_PER_MINUTE,
    loginPerMinute: config.LOGIN_RATE_LIMIT_PER_MINUTE,
    redis: deps.redis,
    prefix: `${config.REDIS_PREFIX}:rl:`,
    registry: metrics.registry,
    logger,
  });

  const live = createLiveRoutes({
    file: config.GATEWAY_ROUTES_FILE ?? DEFAULT_ROUTES_FILE,
    initial: deps.routes,
    deps: { config, metrics, logger, limiterFor: rateLimits.forRoute },
    logger,
  });

  const callerChecks: Stage[] = [
    checkToken({ verifier, metrics, countCheck: rateLimits.tokenChecks }),
    checkUserStatus(userStatuses),
  ];
  const stages: Stage[] = [
    ...(cors ? [answerPreflight(cors)] : []),
    refuseOversizedBody,
    ...callerChecks,
    // Login after the per-caller limit: a client over that one is refused before
    // its body is read, and the stricter login policy is the one its headers show.
    limitCaller,
    rateLimits.login,
    rewriteForUpstream,
  ];
  // A handshake is a bodiless GET, never a preflight or a login: the route's
  // access rule and rate limit are what it must pass.
  const handshakeStages: Stage[] = [
    admitHandshake,
    ...callerChecks,
    limitCaller,
    rewriteForUpstream,
  ];
  const forward = (exchange: Exchange) => exchange.route.forward(exchange);
  const fail = (exchange: Exchange, error: unknown) => {
    logger.error({ err: error, requestId: exchange.trace.requestId }, 'gateway stage failed');
    sendProblem(exchange, internalError());
  };
  const requestLog = createRequestLog(logger, metrics);

  /** Health, metrics, docs and 404s: the express app, off the hot path. */
  const toAdmin = (
    req: IncomingMessage,
    res: ServerResponse,
    startedAt: bigint,
    trace: TraceContext,
    traceparent: string,
  ) => {
    res.setHeader('x-request-id', trace.requestId);
    res.setHeader('traceparent', traceparent);
    cors?.decorate(req, res);
    const path = (req.url ?? '').split('?', 1)[0]!;
    const known = ADMIN_PATHS.has(path);
    requestLog(res, {
      req,
      startedAt,
      trace,
      route: {
        pattern: known || path === RELOAD_PATH ? path : (docsRoute(path) ?? 'unmatched'),
        upstream: 'gateway',
      },
      quiet: known,
      caller: undefined,
      upstreamError: undefined,
    });
    // Probes are answered from memory (readiness is shared, sharedChecks) and
    // come often from orchestrators and start-up waits: they are not counted.
    if (PROBES.has(path)) {
      admin(req, res);
      return;
    }
    const allowed = rateLimits.ownAnswers(req, res, path);
    if (allowed === true) admin(req, res);
    else if (allowed !== false) {
      // The store falls back to memory when Redis fails; should it still fail, nothing is counted.
      allowed.then(
        (go) => go && admin(req, res),
        () => admin(req, res),
      );
    }
  };

  // Routed requests set no header until their answer: every answer to them,
  // the upstream's (one writeHead) or the gateway's own (sendProblem), adds the
  // request id, trace, rate-limit and CORS headers from the exchange.
  /** The routed request's exchange, its log line started; null when the admin app took the request. */
  const exchangeFor = (req: IncomingMessage, res: ServerResponse): Exchange | null => {
    const startedAt = process.hrtime.bigint();
    const trace = traceContextFrom(req.headers);
    const traceparent = traceparentOf(trace);
    const path = canonicalPath(req.url ?? '');
    // The table is read once: a reload during this request does not change its route.
    const route = path === null ? null : routeFor(path, live.routes());
    if (route === null) {
      toAdmin(req, res, startedAt, trace, traceparent);
      return null;
    }
    const exchange = startExchange({
      req,
      res,
      route,
      path: path!,
      trace,
      traceparent,
      startedAt,
      cors,
      allowOrigin: cors ? cors.allowOrigin(req) : null,
    });
    requestLog(res, exchange);
    return exchange;
  };
  const listener: RequestListener = (req, res) => {
    const exchange = exchangeFor(req, res);
    if (exchange !== null) runPipeline(stages, exchange, forward, fail);
  };
  // The same route match, /internal and canonical-path rules as any request;
  // unrouted paths get the admin app's 404, written on the socket.
  const upgrade: UpgradeListener = (req, socket, head) => {
    const res = socketResponse(req, socket);
    if (!isWebSocketHandshake(req)) {
      ignoreUpgrade(req, res, listener);
      return;
    }
    const exchange = exchangeFor(req, res);
    if (exchange !== null) runPipeline(handshakeStages, exchange, openWebSocket(head), fail);
  };

  return {
    listener,
    upgrade,
    registry: metrics.registry,
    userStatuses,
    reload: live.reload,
    close: async () => {
      live.close();
      await Promise.all([userDirectory.close(), closeVerifier()]);
      rateLimits.close();
    },
  };
}
