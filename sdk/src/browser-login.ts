/**
 * Logging in from a browser through the auth service's hosted page: OAuth 2.1
 * authorization code with PKCE (RFC 7636) and OpenID Connect. No imports but
 * types, so a page can load the compiled file as it is (the gateway's demo
 * page does). It runs on Node too (global `fetch` and `crypto.subtle`).
 *
 * ```ts
 * const login = createBrowserLogin({ baseUrl, clientId: 'portico-demo', redirectUri });
 * location.assign(await login.authorizeUrl());           // on "Log in"
 * const { tokens } = await login.finish(location.href);  // back on redirectUri
 * ```
 */

/** What the token endpoint answers for the authorization code and refresh token grants. */
export type OAuthTokens = {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  scope?: string;
  /** When the scope had `openid`: who logged in, for this client (its claims are in `claims`). */
  id_token?: string;
};

/** The ID token's claims the SDK checked (signature aside, see `finish`). */
export type IdTokenClaims = {
  iss: string;
  sub: string;
  aud: string | string[];
  exp: number;
  iat: number;
  nonce?: string;
  auth_time?: number;
  sid?: string;
  [claim: string]: unknown;
};

/** Holds the pending request across the redirect: `sessionStorage` in a browser. */
export type PendingStore = {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
};

export type BrowserLoginOptions = {
  /** The gateway, e.g. `http://127.0.0.1:8080`: the auth service's public base URL. */
  baseUrl: string;
  /** The registered public client (`npm start` registers `portico-demo`). */
  clientId: string;
  /** Exactly one of the client's registered redirect URIs. */
  redirectUri: string;
  /** Default `openid profile email`. */
  scope?: string;
  /** Default `globalThis.sessionStorage`: survives the redirect, not the tab. */
  pending?: PendingStore;
  fetch?: typeof fetch;
};

/** A refusal from the authorization server (RFC 6749 §4.1.2.1, §5.2) or a broken answer. */
export class OAuthError extends Error {
  override readonly name = 'OAuthError';
  constructor(
    /** The RFC 6749 error code, e.g. `access_denied`, `invalid_grant`, or `state_mismatch`. */
    readonly error: string,
    description?: string,
  ) {
    super(description ? `${error}: ${description}` : error);
  }
}

type Pending = { state: string; nonce: string; verifier: string; redirectUri: string };

const PENDING_KEY = 'portico.oauth.pending';

function randomString(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

async function s256(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

/** The payload of a compact JWS, unverified. */
function claimsOf(jwt: string): IdTokenClaims {
  const payload = jwt.split('.')[1];
  if (!payload) throw new OAuthError('invalid_id_token', 'not a JWT');
  const text = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes)) as IdTokenClaims;
}

/** The parts of the discovery document (OpenID Connect Discovery 1.0) the flow uses. */
type Discovery = {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  end_session_endpoint: string;
};

export function createBrowserLogin(options: BrowserLoginOptions) {
  const base = options.baseUrl.replace(/\/+$/, '');
  const scope = options.scope ?? 'openid profile email';
  const doFetch = options.fetch ?? fetch;
  const pendingStore = (): PendingStore => {
    const store =
      options.pending ?? (globalThis as { sessionStorage?: PendingStore }).sessionStorage;
    if (!store) throw new Error('createBrowserLogin needs `pending` outside a browser');
    return store;
  };
  let discovered: Promise<Discovery> | undefined;
  /** Fetched once; a failure is not kept, so the next call tries again. */
  const discovery = (): Promise<Discovery> => {
    discovered ??= doFetch(`${base}/.well-known/openid-configuration`)
      .then(async (response) => {
        if (!response.ok) throw new OAuthError('discovery_failed', `HTTP ${response.status}`);
        return (await response.json()) as Discovery;
      })
      .catch((error: unknown) => {
        discovered = undefined;
        throw error;
      });
    return discovered;
  };

  async function tokenRequest(form: Record<string, string>): Promise<OAuthTokens> {
    const response = await doFetch((await discovery()).token_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ client_id: options.clientId, ...form }),
    });
    const body = (await response.json().catch(() => ({}))) as Partial<OAuthTokens> & {
      error?: string;
      error_description?: string;
    };
    if (!response.ok || !body.access_token) {
      throw new OAuthError(body.error ?? `http_${response.status}`, body.error_description);
    }
    return body as OAuthTokens;
  }

  return {
    /** Where to send the browser: the hosted login page, with a fresh state, nonce and PKCE verifier saved. */
    async authorizeUrl(extra: Record<string, string> = {}): Promise<string> {
      const pending: Pending = {
        state: randomString(),
        nonce: randomString(),
        verifier: randomString(48),
        redirectUri: options.redirectUri,
      };
      pendingStore().setItem(PENDING_KEY, JSON.stringify(pending));
      const query = new URLSearchParams({
        ...extra,
        response_type: 'code',
        client_id: options.clientId,
        redirect_uri: options.redirectUri,
        scope,
        state: pending.state,
        nonce: pending.nonce,
        code_challenge: await s256(pending.verifier),
        code_challenge_method: 'S256',
      });
      return `${(await discovery()).authorization_endpoint}?${query}`;
    },

    /**
     * On the redirect URI: checks `state` and `iss` (RFC 9207, against mix-up),
     * trades the code and the verifier for tokens, and checks the ID token's
     * nonce, audience and issuer. Its signature is not checked here: the token
     * came straight from the token endpoint over the connection this page trusts
     * (OpenID Connect Core §3.1.3.7); servers verify access tokens themselves.
     */
    async finish(url: string): Promise<{ tokens: OAuthTokens; claims?: IdTokenClaims }> {
      const params = new URL(url).searchParams;
      const raw = pendingStore().getItem(PENDING_KEY);
      pendingStore().removeItem(PENDING_KEY);
      if (!raw) throw new OAuthError('no_pending_login', 'this page did not start a login');
      const pending = JSON.parse(raw) as Pending;
      if (params.get('state') !== pending.state) throw new OAuthError('state_mismatch');
      const error = params.get('error');
      if (error) throw new OAuthError(error, params.get('error_description') ?? undefined);
      const { issuer } = await discovery();
      const iss = params.get('iss');
      if (iss !== null && iss !== issuer) throw new OAuthError('issuer_mismatch', `from ${iss}`);
      const code = params.get('code');
      if (!code) throw new OAuthError('invalid_request', 'the redirect carries no code');
      const tokens = await tokenRequest({
        grant_type: 'authorization_code',
        code,
        redirect_uri: pending.redirectUri,
        code_verifier: pending.verifier,
      });
      if (!tokens.id_token) return { tokens };
      const claims = claimsOf(tokens.id_token);
      const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
      if (claims.nonce !== pending.nonce) throw new OAuthError('invalid_id_token', 'nonce differs');
      if (claims.iss !== issuer) throw new OAuthError('invalid_id_token', 'another issuer');
      if (!audiences.includes(options.clientId)) {
        throw new OAuthError('invalid_id_token', 'issued to another client');
      }
      return { tokens, claims };
    },

    /** Trades a refresh token for the next pair (the old one is spent). */
    refresh: (refreshToken: string) =>
      tokenRequest({ grant_type: 'refresh_token', refresh_token: refreshToken }),

    /** RP-initiated logout: where to send the browser to end the session its ID token names. */
    async logoutUrl(idToken: string, postLogoutRedirectUri?: string, state?: string) {
      const query = new URLSearchParams({ client_id: options.clientId, id_token_hint: idToken });
      if (postLogoutRedirectUri) query.set('post_logout_redirect_uri', postLogoutRedirectUri);
      if (state) query.set('state', state);
      return `${(await discovery()).end_session_endpoint}?${query}`;
    },
  };
}

export type BrowserLogin = ReturnType<typeof createBrowserLogin>;
