import type { Exchange } from '../exchange.js';
import type { Stage } from '../pipeline.js';
import type { WebSocketUpstream } from '../streaming/websocket-upstream.js';
import type { RouteSpec } from './routes-file.js';

/**
 * One entry of the live table: the routes file's entry with its policies
 * resolved once, when the table loads (routing/route-table-builder.ts), so a
 * request reads fields instead of looking anything up. An exchange keeps the
 * route it matched, so a request started before a reload finishes on it.
 *
 * `access` — `public`: no token needed at the edge (auth-service's own routes
 * and its discovery documents); `token`: a valid user token is required (with
 * `role`, one carrying that role; with `scope`, a service token granted it);
 * `public-read`: reads may be anonymous (the product catalogue), writes need a token.
 */
export type Route = RouteSpec & {
  readonly bodyLimitBytes: number;
  /** The per-caller rate limit: the gateway's, or the route's own budget. */
  readonly limiter: Stage;
  /** Hands the exchange to the route's upstream (retries and breakers included). */
  readonly forward: (exchange: Exchange) => void;
  /** Opens a WebSocket on the route's upstream; only on a route with `websocket: true`. */
  readonly upgrade: WebSocketUpstream | undefined;
};

/** RFC 3986 `pchar` and `/`: anything else (backslash, space, `#`, non-ASCII) is refused. */
const PATH_CHARS = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*$/;
/**
 * Encoded `.`, `/`, `\`, `%` (double encoding) and control characters: an upstream
 * or a framework that decodes before routing could turn them into a traversal.
 */
const DANGEROUS_ENCODING = /%(?:2e|2f|5c|25|[01][0-9a-f]|7f)/i;
const MALFORMED_ENCODING = /%(?![0-9a-f]{2})/i;
/** A `.` or `..` segment anywhere. */
const DOT_SEGMENT = /\/\.{1,2}(?:\/|$)/;

/**
 * The path of a request target when it is in canonical form, else null.
 * Canonical means: origin-form (starts with `/`), no empty, `.` or `..` segments,
 * no backslash, no encoded dot, slash, backslash, percent or control character.
 * Such a path means the same thing to every parser, so matching it against the
 * table is matching what the upstream will route.
 */
export function canonicalPath(target: string): string | null {
  const query = target.indexOf('?');
  const path = query === -1 ? target : target.slice(0, query);
  if (path.charCodeAt(0) !== 47 /* '/' */) return null;
  if (!PATH_CHARS.test(path) || path.includes('//')) return null;
  if (path.includes('%') && (DANGEROUS_ENCODING.test(path) || MALFORMED_ENCODING.test(path))) {
    return null;
  }
  if (path.includes('/.') && DOT_SEGMENT.test(path)) return null;
  return path;
}

export type RouteMatch<R extends Route | RouteSpec = Route> = {
  readonly route: R;
  /** The canonical path, without the query string. */
  readonly path: string;
};

/** The table entry a canonical path falls under, or null. Matching is case-sensitive. */
export function routeFor<R extends Route | RouteSpec>(
  path: string,
  routes: readonly R[],
): R | null {
  for (const route of routes) {
    if (route.exact !== undefined) {
      if (path === route.exact) return route;
    } else if (route.prefix !== undefined && path.startsWith(route.prefix)) {
      const next = path.charCodeAt(route.prefix.length);
      // `/api/v1/users` and `/api/v1/users/...`, never `/api/v1/usersX` or `/api/v1/users;x`.
      if (Number.isNaN(next) || next === 47) return route;
    }
  }
  return null;
}

/**
 * The table entry for a request target (`req.url`), or null: not canonical, not
 * in the table (another version, `/internal/`, another case), so the gateway
 * answers 404 itself and nothing reaches an upstream. Matching is case-sensitive.
 */
export function matchRoute<R extends Route | RouteSpec>(
  target: string,
  routes: readonly R[],
): RouteMatch<R> | null {
  const path = canonicalPath(target);
  if (path === null) return null;
  const route = routeFor(path, routes);
  return route === null ? null : { route, path };
}
