import type {
  IncomingMessage,
  OutgoingHttpHeader,
  OutgoingHttpHeaders,
  ServerResponse,
} from 'node:http';

const ALLOW_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE';
const ALLOW_HEADERS =
  'Authorization, Content-Type, Idempotency-Key, X-Request-Id, traceparent, tracestate';
/** Response headers a browser script may read (the rest are hidden by the CORS protocol). */
const EXPOSE_HEADERS = [
  'X-Request-Id',
  'traceparent',
  'RateLimit',
  'RateLimit-Policy',
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
  'Retry-After',
  'Location',
  // A deprecated route's (routing/deprecation.ts): a browser client can warn its developers too.
  'Deprecation',
  'Sunset',
  'Link',
].join(', ');
/** Browsers cap this anyway (Chromium at 2 h); 10 min keeps a changed allow-list quick to apply. */
const PREFLIGHT_MAX_AGE_SECONDS = '600';

export type Cors = {
  /** An `OPTIONS` request with `Origin` and `Access-Control-Request-Method`. */
  isPreflight: (req: IncomingMessage) => boolean;
  /** 204; with the allow headers only when the origin is allowed. Never reaches an upstream. */
  answerPreflight: (req: IncomingMessage, res: ServerResponse) => void;
  /** The `Access-Control-Allow-Origin` a request's answers carry: its origin, `*`, or null (none). */
  allowOrigin: (req: IncomingMessage) => string | null;
  /** Adds `Access-Control-Allow-Origin` and the exposed headers, when `allowOrigin` is not null. */
  addAllowHeaders: (headers: OutgoingHttpHeaders, allowOrigin: string | null) => void;
  /** Sets `Vary: Origin`, and the allow headers for an allowed origin, on a response. */
  decorate: (req: IncomingMessage, res: ServerResponse) => void;
  /** The upstream's `Vary` with `Origin` added, since every response now depends on it. */
  varyWithOrigin: (upstreamVary: OutgoingHttpHeader | undefined) => string;
};

/** Browser access from the listed origins (`*`: any); null when CORS_ORIGINS is unset. */
export function createCors(origins: readonly string[] | undefined): Cors | null {
  if (!origins || origins.length === 0) return null;
  const anyOrigin = origins.includes('*');
  const allowed = new Set(origins);
  const allowOrigin = (req: IncomingMessage): string | null => {
    const origin = req.headers.origin;
    if (typeof origin !== 'string') return null;
    if (anyOrigin) return '*';
    return allowed.has(origin) ? origin : null;
  };

  const addAllowHeaders = (headers: OutgoingHttpHeaders, origin: string | null): void => {
    if (origin === null) return;
    headers['access-control-allow-origin'] = origin;
    headers['access-control-expose-headers'] = EXPOSE_HEADERS;
  };

  return {
    allowOrigin,
    addAllowHeaders,

    isPreflight: (req) =>
      req.method === 'OPTIONS' &&
      req.headers.origin !== undefined &&
      req.headers['access-control-request-method'] !== undefined,

    answerPreflight: (req, res) => {
      const origin = allowOrigin(req);
      res.setHeader('vary', 'Origin');
      if (origin !== null) {
        res.setHeader('access-control-allow-origin', origin);
        res.setHeader('access-control-allow-methods', ALLOW_METHODS);
        res.setHeader('access-control-allow-headers', ALLOW_HEADERS);
        res.setHeader('access-control-max-age', PREFLIGHT_MAX_AGE_SECONDS);
      }
      res.setHeader('content-length', '0');
      res.writeHead(204);
      res.end();
    },

    decorate: (req, res) => {
      const headers: OutgoingHttpHeaders = { vary: 'Origin' };
      addAllowHeaders(headers, allowOrigin(req));
      for (const name in headers) res.setHeader(name, headers[name]!);
    },

    varyWithOrigin: (upstreamVary) => {
      const value = Array.isArray(upstreamVary)
        ? upstreamVary.join(', ')
        : String(upstreamVary ?? '');
      if (value === '') return 'Origin';
      if (value.trim() === '*' || /(?:^|,)\s*origin\s*(?:,|$)/i.test(value)) return value;
      return `${value}, Origin`;
    },
  };
}
