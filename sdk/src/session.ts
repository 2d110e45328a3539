import type { paths as AuthPaths, components } from '@portico/openapi/auth';
import type { Client, Middleware } from 'openapi-fetch';
import { toPorticoError, unwrap } from './errors.js';
import type { TokenStore, Tokens } from './token-store.js';

type Schemas = components['schemas'];
type Account = Schemas['Account'];

/** Operations that must never carry a user's token nor trigger a refresh. */
const PUBLIC_AUTH_PATHS = new Set([
  '/api/v1/auth/register',
  '/api/v1/auth/login',
  '/api/v1/auth/refresh',
  '/api/v1/auth/logout',
  '/api/v1/auth/token',
]);

/** Login state: register, login, logout, and the middleware that signs and refreshes requests. */
export type Session = {
  register(input: Schemas['RegisterRequest']): Promise<Account>;
  /** Logs in and saves the tokens through the store. */
  login(input: Schemas['LoginRequest']): Promise<Tokens>;
  /** Ends this session on the server (its refresh family and access tokens) and clears the store. */
  logout(): Promise<void>;
  /** Signs out everywhere: every session of the account ends, then the store is cleared. */
  logoutEverywhere(): Promise<void>;
  /** The stored tokens, if logged in. */
  tokens(): Promise<Tokens | undefined>;
  /**
   * Trades the refresh token for a new pair. Concurrent callers share one
   * request: the server spends a refresh token on first use, so a second
   * refresh with the same token would revoke the whole family.
   */
  refresh(): Promise<Tokens | undefined>;
  middleware: Middleware;
};

/**
 * `auth` must be a client without the session's middleware, so a refresh never
 * recurses. `oauthClientId`: the stored tokens came from the browser flow as this client.
 */
export function createSession(
  auth: Client<AuthPaths>,
  store: TokenStore,
  oauthClientId?: string,
): Session {
  let refreshing: Promise<Tokens | undefined> | undefined;
  /** The request as sent (a clone, its body unread) and the token it carried, for one retry. */
  const sent = new Map<string, { request: Request; token: string }>();

  /**
   * A password login refreshes at `/refresh`; tokens from the browser flow
   * belong to their OAuth client and refresh only through the token endpoint,
   * naming that client (RFC 6749 §6).
   */
  function refreshRequest(refreshToken: string) {
    if (!oauthClientId) {
      return auth.POST('/api/v1/auth/refresh', { body: { refresh_token: refreshToken } });
    }
    return auth.POST('/api/v1/auth/token', {
      body: { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: oauthClientId },
      bodySerializer: (form) => new URLSearchParams(form as Record<string, string>).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  }

  async function doRefresh(): Promise<Tokens | undefined> {
    const current = await store.load();
    if (!current) return undefined;
    const { data, response } = await refreshRequest(current.refresh_token);
    if (!data || !('refresh_token' in data)) {
      if (response.status === 401) await store.clear();
      return undefined;
    }
    await store.save(data);
    return data;
  }

  const session: Session = {
    async register(input) {
      return unwrap(await auth.POST('/api/v1/auth/register', { body: input }));
    },
    async login(input) {
      const tokens = unwrap(await auth.POST('/api/v1/auth/login', { body: input }));
      await store.save(tokens);
      return tokens;
    },
    async logout() {
      const current = await store.load();
      await store.clear();
      if (!current) return;
      const { response, error } = await auth.POST('/api/v1/auth/logout', {
        body: { refresh_token: current.refresh_token },
      });
      if (!response.ok) throw toPorticoError(response, error);
    },
    async logoutEverywhere() {
      const current = await store.load();
      await store.clear();
      if (!current) return;
      const { response, error } = await auth.POST('/api/v1/auth/logout-all', {
        headers: { authorization: `Bearer ${current.access_token}` },
      });
      if (!response.ok) throw toPorticoError(response, error);
    },
    async tokens() {
      return store.load();
    },
    refresh() {
      refreshing ??= doRefresh().finally(() => {
        refreshing = undefined;
      });
      return refreshing;
    },
    middleware: {
      async onRequest({ request, schemaPath, id }) {
        if (PUBLIC_AUTH_PATHS.has(schemaPath) || request.headers.has('authorization')) return;
        // Wait for a refresh in flight rather than send a token about to be replaced.
        if (refreshing) await refreshing;
        const token = (await store.load())?.access_token;
        if (!token) return;
        request.headers.set('authorization', `Bearer ${token}`);
        sent.set(id, { request: request.clone(), token });
        return request;
      },
      async onResponse({ response, options, id }) {
        const original = sent.get(id);
        sent.delete(id);
        if (!original || response.status !== 401) return;
        // Another request may have refreshed already: retry with its token, else refresh once.
        const stored = (await store.load())?.access_token;
        const token =
          stored && stored !== original.token ? stored : (await session.refresh())?.access_token;
        if (!token) return;
        await response.body?.cancel();
        original.request.headers.set('authorization', `Bearer ${token}`);
        return options.fetch(original.request);
      },
      onError({ id }) {
        sent.delete(id);
      },
    },
  };
  return session;
}
