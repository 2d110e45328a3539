import { propagationHeaders } from '@portico/logging';
import { Pool } from 'undici';
import { IDEMPOTENT_METHODS } from './failure-kinds.js';
import { readJsonBody } from './json-body.js';
import { createResiliencePolicy } from './resilience-policy.js';
import type {
  ServiceClient,
  ServiceClientOptions,
  ServiceRequest,
  ServiceResponse,
} from './types.js';
import { toUpstreamError } from './upstream-errors.js';

function validate(options: ServiceClientOptions): URL {
  const fail = (what: string) => {
    throw new TypeError(`createServiceClient(${options.name || '?'}): ${what}`);
  };
  if (!options.name) fail('name is required');
  if (!URL.canParse(options.baseUrl)) fail('baseUrl must be an absolute URL');
  const url = new URL(options.baseUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') fail('baseUrl must be http(s)');
  if (!(options.timeoutMs > 0)) fail('timeoutMs must be > 0');
  if (!Number.isInteger(options.retries) || options.retries < 0) {
    fail('retries must be an integer >= 0');
  }
  const threshold = options.breaker?.consecutiveFailures;
  if (threshold !== undefined && !(Number.isInteger(threshold) && threshold >= 1)) {
    fail('breaker.consecutiveFailures must be an integer >= 1');
  }
  return url;
}

/** Lower-cases caller header names so ours replace theirs instead of being sent twice. */
function lowerCased(headers: Record<string, string> = {}): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

/**
 * Creates the client a service uses to call one upstream: a keep-alive undici
 * pool, and cockatiel policies (bounded jittered retries for idempotent calls,
 * a consecutive-failure circuit breaker, a per-try timeout). Every call carries
 * the current request id and traceparent, and a service token if configured.
 */
export function createServiceClient(options: ServiceClientOptions): ServiceClient {
  const url = validate(options);
  const { name, timeoutMs, tokenProvider } = options;
  // Credentials in the base URL are dropped: `origin` has none, and they never reach a log.
  const pool = new Pool(url.origin);
  const basePath = url.pathname.replace(/\/+$/, '');
  const policy = createResiliencePolicy(options);
  const errorContext = { name, timeoutMs, halfOpenAfterMs: policy.halfOpenAfterMs };

  async function send<T>(req: ServiceRequest, token: string | undefined) {
    const idempotent = req.idempotent ?? IDEMPOTENT_METHODS.has(req.method);
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...propagationHeaders(),
      ...lowerCased(req.headers),
    };
    // Encoded once: every try sends the same bytes.
    const body = req.body === undefined ? undefined : JSON.stringify(req.body);
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token !== undefined) headers.authorization = `Bearer ${token}`;

    const tryOnce = async ({ signal }: { signal: AbortSignal }): Promise<ServiceResponse<T>> => {
      const res = await pool.request({
        method: req.method,
        path: basePath + req.path,
        headers,
        body,
        signal,
      });
      const parsed = (await readJsonBody(res, name)) as T | undefined;
      return { status: res.statusCode, headers: res.headers, body: parsed };
    };
    try {
      // Each call gets a signal of its own (the caller's, or a fresh one): cockatiel
      // hangs every try's abort listener on it, and without one it would share a
      // single process-wide signal between all calls in flight (a listener leak warning).
      const signal = req.signal ?? new AbortController().signal;
      return await (idempotent ? policy.retrying : policy.once).execute(tryOnce, signal);
    } catch (err) {
      if (req.signal?.aborted) throw req.signal.reason;
      throw toUpstreamError(err, errorContext);
    }
  }

  return {
    async request<T = unknown>(req: ServiceRequest): Promise<ServiceResponse<T>> {
      if (!req.path.startsWith('/')) throw new TypeError('path must start with "/"');
      if (!tokenProvider) return send<T>(req, undefined);
      const token = await tokenProvider.getToken();
      const res = await send<T>(req, token);
      if (res.status !== 401) return res;
      // The token may have been revoked or signed with a rotated key: one fresh try,
      // safe for any method because a 401 means the upstream did nothing.
      tokenProvider.invalidate(token);
      return send<T>(req, await tokenProvider.getToken());
    },
    close: () => pool.close(),
  };
}
