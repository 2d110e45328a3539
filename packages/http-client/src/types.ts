export type HttpMethod = 'GET' | 'HEAD' | 'OPTIONS' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A source of bearer tokens for service-to-service calls. */
export type TokenProvider = {
  getToken(): Promise<string>;
  /** Drops the cached token; with `token`, only if that is still the cached one. */
  invalidate(token?: string): void;
};

/** The part of a pino logger the client writes to. */
export type ClientLogger = { warn(obj: object, msg: string): void };

export type ServiceClientOptions = {
  /** The upstream's name, used in logs and error details (never the URL). */
  name: string;
  /** Origin and optional path prefix, e.g. `http://inventory-service:3000`. */
  baseUrl: string;
  /** Time allowed for one try, headers and body included. */
  timeoutMs: number;
  /** Extra tries for idempotent calls. */
  retries: number;
  tokenProvider?: TokenProvider;
  breaker?: { consecutiveFailures?: number; halfOpenAfterMs?: number };
  /** Jittered exponential backoff between tries (defaults 100 ms, capped at 1000 ms). */
  backoff?: { initialDelayMs?: number; maxDelayMs?: number };
  /** Receives a line per retry and per breaker state change. */
  logger?: ClientLogger;
};

export type ServiceRequest = {
  method: HttpMethod;
  /** Path below `baseUrl`, starting with `/`; may carry a query string. */
  path: string;
  /** Sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Marks a non-idempotent method as safe to retry (e.g. a POST with an idempotency key). */
  idempotent?: boolean;
  /** Abandons the call (a long poll, when its consumer stops). */
  signal?: AbortSignal;
};

export type ServiceResponse<T> = {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON, or undefined for an empty or non-JSON body. */
  body: T | undefined;
};

export type ServiceClient = {
  /**
   * Sends one call through retry, circuit breaker and per-try timeout. Resolves
   * with any response the upstream gave (4xx and 5xx included); rejects with a
   * ServiceUnavailableError or GatewayTimeoutError when it gave none.
   */
  request<T = unknown>(req: ServiceRequest): Promise<ServiceResponse<T>>;
  /** Closes the connection pool; waits for calls in flight. */
  close(): Promise<void>;
};
