import { ServiceUnavailableError } from '@portico/errors';
import { request } from 'undici';
import { HTTP_CLIENT_ERRORS } from './errors.js';
import { isJsonType } from './json-body.js';
import type { TokenProvider } from './types.js';

export type ServiceTokenProviderOptions = {
  /** The auth service's base URL, e.g. `http://auth-service:3000`. */
  authUrl: string;
  clientId: string;
  clientSecret: string;
  /** Space-separated scopes to ask for. */
  scope?: string;
  /** Time allowed for one token request (default 5000 ms). */
  timeoutMs?: number;
  /** Clock in epoch milliseconds; tests inject one to prove renewal. */
  now?: () => number;
};

type CachedToken = { value: string; renewAt: number };

/** Renew when less than min(60 s, 20% of the lifetime) remains, so no call carries a dying token. */
function renewAt(issuedAt: number, lifetimeMs: number): number {
  return issuedAt + lifetimeMs - Math.min(60_000, lifetimeMs * 0.2);
}

function unavailable(detail: string, cause?: unknown): ServiceUnavailableError {
  return new ServiceUnavailableError(detail, HTTP_CLIENT_ERRORS.AUTH_UNAVAILABLE.code, 5, cause);
}

/**
 * A TokenProvider for the OAuth 2.0 client credentials grant (RFC 6749 §4.4)
 * against the auth service. Caches the token, renews it before it expires,
 * shares one in-flight request between concurrent callers, and never caches a
 * failure: errors surface as ServiceUnavailableError `AUTH_UNAVAILABLE`.
 */
export function createServiceTokenProvider(options: ServiceTokenProviderOptions): TokenProvider {
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 5000;
  const tokenUrl = `${options.authUrl.replace(/\/+$/, '')}/api/v1/auth/token`;
  let cached: CachedToken | undefined;
  let inFlight: Promise<string> | undefined;

  async function fetchToken(): Promise<string> {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: options.clientId,
      client_secret: options.clientSecret,
    });
    if (options.scope) form.set('scope', options.scope);
    // Measured from before the request, so network time only shortens our view of the lifetime.
    const issuedAt = now();
    let res: Awaited<ReturnType<typeof request>>;
    try {
      res = await request(tokenUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: form.toString(),
        signal: AbortSignal.timeout(timeoutMs),
        reset: true, // one request an hour or so: no idle keep-alive socket to hold
      });
    } catch (err) {
      throw unavailable('The auth service is unreachable.', err);
    }
    if (res.statusCode !== 200 || !isJsonType(res.headers['content-type'])) {
      await res.body.dump();
      throw unavailable(`The auth service refused a service token (status ${res.statusCode}).`);
    }
    const answer = (await res.body.json().catch(() => undefined)) as
      | { access_token?: unknown; token_type?: unknown; expires_in?: unknown }
      | undefined;
    const valid =
      typeof answer?.access_token === 'string' &&
      answer.access_token !== '' &&
      String(answer.token_type).toLowerCase() === 'bearer' &&
      typeof answer.expires_in === 'number' &&
      answer.expires_in > 0;
    if (!valid) throw unavailable('The auth service sent a malformed token response.');
    const token = answer.access_token as string;
    cached = { value: token, renewAt: renewAt(issuedAt, (answer.expires_in as number) * 1000) };
    return token;
  }

  return {
    getToken() {
      if (cached && now() < cached.renewAt) return Promise.resolve(cached.value);
      inFlight ??= fetchToken().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
    invalidate(token) {
      if (token === undefined || cached?.value === token) cached = undefined;
    },
  };
}
