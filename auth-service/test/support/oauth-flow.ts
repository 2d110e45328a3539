import { createHash, randomBytes } from 'node:crypto';

/** The OAuth clients the OAuth suites register (OAUTH_CLIENTS). */
export const SPA = {
  client_id: 'spa',
  name: 'Shop <SPA> & "friends"',
  type: 'public',
  redirect_uris: ['http://127.0.0.1:5173/callback', 'http://127.0.0.1:5173/cb?from=login'],
  post_logout_redirect_uris: ['http://127.0.0.1:5173/bye'],
};
export const SERVER = {
  client_id: 'server',
  name: 'Billing',
  type: 'confidential',
  secret: 'a-billing-secret-of-more-than-32-characters',
  redirect_uris: ['https://billing.test/oauth/callback'],
  post_logout_redirect_uris: [],
  scopes: ['openid', 'email'],
};
export const OTHER = {
  client_id: 'other',
  name: 'Other',
  type: 'public',
  redirect_uris: ['http://127.0.0.1:6000/callback'],
  post_logout_redirect_uris: ['http://127.0.0.1:6000/bye'],
};
export const OAUTH_ENV = { OAUTH_CLIENTS: JSON.stringify([SPA, SERVER, OTHER]) };

export const AUTHORIZE = '/api/v1/auth/authorize';
export const TOKEN = '/api/v1/auth/token';

export function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** A valid authorization request for the SPA; `overrides` set or (undefined) drop parameters. */
export function authorizeParams(
  challenge: string,
  overrides: Record<string, string | undefined> = {},
): Record<string, string> {
  const params: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: SPA.client_id,
    redirect_uri: SPA.redirect_uris[0],
    scope: 'openid profile email',
    state: 'state-123',
    nonce: 'nonce-456',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...overrides,
  };
  return Object.fromEntries(
    Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined),
  );
}

export type LoginPage = {
  status: number;
  headers: Headers;
  html: string;
  /** `name=value` of the CSRF cookie, as a browser would send it back. */
  cookie?: string;
  handle?: string;
  csrfToken?: string;
};

const hidden = (html: string, name: string) =>
  html.match(new RegExp(`name="${name}" value="([^"]*)"`))?.[1];

/** GET /authorize as a browser does, without following redirects. */
export async function openLoginPage(
  base: string,
  params: Record<string, string> | string,
  headers: Record<string, string> = {},
): Promise<LoginPage> {
  const query = typeof params === 'string' ? params : new URLSearchParams(params).toString();
  const res = await fetch(`${base}${AUTHORIZE}?${query}`, { redirect: 'manual', headers });
  const html = await res.text();
  const cookie = res.headers.get('set-cookie')?.split(';')[0];
  return {
    status: res.status,
    headers: res.headers,
    html,
    ...(cookie && { cookie }),
    ...(hidden(html, 'request') && { handle: hidden(html, 'request') }),
    ...(hidden(html, 'csrf_token') && { csrfToken: hidden(html, 'csrf_token') }),
  };
}

/** POSTs the login form of `page` (cookie included unless `headers.cookie` says otherwise). */
export async function submitLogin(
  base: string,
  page: LoginPage,
  credentials: { email: string; password: string },
  options: { headers?: Record<string, string>; form?: Record<string, string> } = {},
) {
  const res = await fetch(`${base}${AUTHORIZE}`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(page.cookie && { cookie: page.cookie }),
      ...options.headers,
    },
    body: new URLSearchParams({
      email: credentials.email,
      password: credentials.password,
      request: page.handle ?? '',
      csrf_token: page.csrfToken ?? '',
      ...options.form,
    }).toString(),
  });
  const location = res.headers.get('location');
  return {
    status: res.status,
    headers: res.headers,
    html: await res.text(),
    location: location ? new URL(location) : undefined,
  };
}

/** The whole browser leg: page, form, and the code from the redirect. */
export async function authorizationCode(
  base: string,
  credentials: { email: string; password: string },
  overrides: Record<string, string | undefined> = {},
) {
  const { verifier, challenge } = pkce();
  const params = authorizeParams(challenge, overrides);
  const page = await openLoginPage(base, params);
  if (page.status !== 200) throw new Error(`login page: ${page.status}`);
  const answer = await submitLogin(base, page, credentials);
  const code = answer.location?.searchParams.get('code');
  if (answer.status !== 303 || !code) throw new Error(`login: ${answer.status}`);
  return { code, verifier, params, location: answer.location! };
}
