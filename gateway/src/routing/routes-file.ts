import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@portico/config';
import { type Document, isNode, LineCounter, parseDocument } from 'yaml';
import { type DeprecationHeaders, deprecationHeaders } from './deprecation.js';
import { canonicalPath } from './route-table.js';
import { type RouteData, type RoutesFileData, routesFileSchema } from './routes-schema.js';

/** The shipped table (today's routes), used when GATEWAY_ROUTES_FILE is unset. */
export const DEFAULT_ROUTES_FILE = fileURLToPath(new URL('../../routes.yaml', import.meta.url));

export type Access = 'public' | 'token' | 'public-read';

export type UpstreamSpec = {
  readonly name: string;
  readonly urls: readonly string[];
  readonly timeoutMs?: number | undefined;
  readonly retries?: number | undefined;
};

/** One route as the file names it; app.ts resolves the defaults and builds its stages. */
export type RouteSpec = {
  /** `<prefix>/**` or the exact path: what logs and metrics call the route. */
  readonly pattern: string;
  readonly prefix?: string | undefined;
  readonly exact?: string | undefined;
  readonly upstream: string;
  readonly access: Access;
  /** A user token carrying this role is required (403 otherwise). */
  readonly role?: string | undefined;
  /** A service token granted this scope is required (403 otherwise). */
  readonly scope?: string | undefined;
  /** Set when the route is `deprecated`: what every answer of it carries. */
  readonly deprecation?: DeprecationHeaders | undefined;
  readonly timeoutMs?: number | undefined;
  readonly retries?: number | undefined;
  readonly rateLimitPerMinute?: number | undefined;
  readonly bodyLimitBytes?: number | undefined;
  /** WebSocket handshakes may open here (otherwise they are refused with 400). */
  readonly websocket?: boolean | undefined;
};

export type RoutesSpec = {
  readonly file: string;
  readonly upstreams: ReadonlyMap<string, UpstreamSpec>;
  readonly routes: readonly RouteSpec[];
};

type Path = readonly (string | number)[];
type Problem = { path: Path; message: string };

/** `routes[2].access`: how a problem names the place in the file. */
function describePath(path: Path): string {
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? key : `.${key}`))
    .join('');
}

/** `file:line:column` of the deepest node on `path` that the file has. */
function locate(file: string, doc: Document, lines: LineCounter, path: Path): string {
  for (let depth = path.length; depth >= 0; depth -= 1) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) {
      const { line, col } = lines.linePos(node.range[0]);
      return `${file}:${line}:${col}`;
    }
  }
  return file;
}

/** `${NAME}` → the gateway configuration's (or environment's) value of NAME. */
const VARIABLE = /\$\{([A-Z0-9_]+)\}/g;

/** The URL with its variables filled in, or what is wrong with it. */
function expandUrl(
  raw: string,
  vars: Readonly<Record<string, unknown>>,
): { url: string } | { problem: string } {
  let missing: string | undefined;
  const url = raw.replace(VARIABLE, (_, name: string) => {
    const value = vars[name];
    if (typeof value !== 'string' || value === '') missing ??= name;
    return typeof value === 'string' ? value : '';
  });
  if (missing !== undefined) return { problem: `names \${${missing}}, which is not set` };
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (parsed?.protocol !== 'http:' && parsed?.protocol !== 'https:') {
    return { problem: `must be an http:// or https:// URL (got ${JSON.stringify(url)})` };
  }
  // Requests go upstream with the path the client sent: an upstream is an origin.
  if (parsed.pathname !== '/' || parsed.search !== '' || parsed.username !== '') {
    return {
      problem: `must be an origin, scheme://host:port with no path (got ${JSON.stringify(url)})`,
    };
  }
  return { url: parsed.origin };
}

/** Whether a request for `path` would match `prefix` (the path itself or below it). */
const covers = (prefix: string, path: string) =>
  path === prefix || path.startsWith(prefix === '/' ? '/' : `${prefix}/`);

/** Problems with a route's path; the `/internal` rule is not configurable. */
function checkPath(path: string, isPrefix: boolean): string | undefined {
  if (canonicalPath(path) !== path || path.includes('?')) {
    return 'must be a canonical path: starting with /, no empty, . or .. segments, no encoded / . \\ or %';
  }
  // Lower-cased: an upstream's router may match `/INTERNAL/...` as `/internal/...` (express does).
  const lower = path.toLowerCase();
  if (covers('/internal', lower) || (isPrefix && covers(lower, '/internal'))) {
    return 'would expose /internal, which the gateway never does';
  }
  if (path.length > 1 && path.endsWith('/')) return 'must not end with /';
  return undefined;
}

function checkRoutes(data: RoutesFileData, problems: Problem[]): void {
  data.routes.forEach((route: RouteData, index) => {
    const key = route.prefix !== undefined ? 'prefix' : 'exact';
    const path = (route.prefix ?? route.exact)!;
    const pathProblem = checkPath(path, route.prefix !== undefined);
    if (pathProblem) problems.push({ path: ['routes', index, key], message: pathProblem });
    if (!Object.hasOwn(data.upstreams, route.upstream)) {
      const known = Object.keys(data.upstreams).join(', ');
      problems.push({
        path: ['routes', index, 'upstream'],
        message: `names "${route.upstream}", which is not one of the upstreams (${known})`,
      });
    }
    // Routes match in file order: an earlier prefix that covers this path takes
    // its requests, and two nested prefixes would depend on their order.
    data.routes.slice(0, index).forEach((earlier, earlierIndex) => {
      const earlierPath = (earlier.prefix ?? earlier.exact)!;
      const shadowed =
        earlier.prefix !== undefined
          ? covers(earlier.prefix, path) ||
            (route.prefix !== undefined && covers(route.prefix, earlierPath))
          : route.exact === earlierPath;
      if (shadowed) {
        problems.push({
          path: ['routes', index, key],
          message: `${path} overlaps routes[${earlierIndex}] (${earlierPath}): each request must have one route`,
        });
      }
    });
  });
}

function toSpec(
  file: string,
  data: RoutesFileData,
  vars: Readonly<Record<string, unknown>>,
  problems: Problem[],
): RoutesSpec {
  const upstreams = new Map<string, UpstreamSpec>();
  for (const [name, upstream] of Object.entries(data.upstreams)) {
    const raw = upstream.urls ?? [upstream.url!];
    const key = upstream.urls ? 'urls' : 'url';
    const urls = raw.map((url, i) => {
      const expanded = expandUrl(url, vars);
      if ('url' in expanded) return expanded.url;
      problems.push({
        path: ['upstreams', name, key, ...(upstream.urls ? [i] : [])],
        message: expanded.problem,
      });
      return url;
    });
    urls.forEach((url, i) => {
      if (urls.indexOf(url) !== i) {
        problems.push({ path: ['upstreams', name, key, i], message: `lists ${url} twice` });
      }
    });
    upstreams.set(name, { name, urls, timeoutMs: upstream.timeoutMs, retries: upstream.retries });
  }
  const routes = data.routes.map(
    ({ access, deprecated, ...route }): RouteSpec => ({
      ...route,
      pattern: route.prefix !== undefined ? `${route.prefix}/**` : route.exact!,
      access: typeof access === 'string' ? access : 'token',
      role: typeof access === 'object' && 'role' in access ? access.role : undefined,
      scope: typeof access === 'object' && 'scope' in access ? access.scope : undefined,
      deprecation: deprecated && deprecationHeaders(deprecated),
    }),
  );
  return { file, upstreams, routes };
}

/**
 * Reads and validates a routes file (YAML, or JSON, which YAML parses too; the
 * extension only says which the error messages call it). `vars` fills in
 * `${NAME}` in upstream URLs: the gateway passes its configuration, so the
 * shipped file reads AUTH_SERVICE_URL and the rest with their defaults.
 * Throws a ConfigError with one line per problem: file, line, column, what was expected.
 */
export function loadRoutesFile(file: string, vars: Readonly<Record<string, unknown>>): RoutesSpec {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError([
      `GATEWAY_ROUTES_FILE ${file} cannot be read: ${(error as Error).message}`,
    ]);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const kind = extname(file) === '.json' ? 'JSON' : 'YAML';
  if (doc.errors.length > 0) {
    // One mistake makes the parser stumble over everything after it: the first few say enough.
    throw new ConfigError(
      doc.errors.slice(0, 3).map((error) => {
        const { line, col } = lines.linePos(error.pos[0]);
        return `${file}:${line}:${col}: not valid ${kind}: ${error.message.split('\n')[0]}`;
      }),
    );
  }
  const problems: Problem[] = [];
  const parsed = routesFileSchema.safeParse(doc.toJS());
  let spec: RoutesSpec | undefined;
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push({ path: issue.path as Path, message: issue.message });
    }
  } else {
    checkRoutes(parsed.data, problems);
    spec = toSpec(file, parsed.data, vars, problems);
  }
  if (problems.length > 0 || spec === undefined) {
    throw new ConfigError(
      problems.map(({ path, message }) => {
        const where = locate(file, doc, lines, path);
        return path.length > 0
          ? `${where}: ${describePath(path)} ${message}`
          : `${where}: ${message}`;
      }),
    );
  }
  return spec;
}
