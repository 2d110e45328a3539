import { createHash, randomBytes } from 'node:crypto';

/**
 * The hosted login page driven with plain HTTP, as a browser would: GET the
 * authorization URL, keep the CSRF cookie, POST the form, read `Location`.
 * No redirect is followed, so each step's answer can be checked.
 */
export type HostedPage = {
  status: number;
  headers: Headers;
  html: string;
  cookie?: string;
  form?: { request: string; csrf_token: string };
};

const hidden = (html: string, name: string) =>
  html.match(new RegExp(`name="${name}" value="([^"]*)"`))?.[1];

export async function openHostedPage(url: string | URL): Promise<HostedPage> {
  const res = await fetch(url, { redirect: 'manual' });
  const html = await res.text();
  const cookie = res.headers.get('set-cookie')?.split(';')[0];
  const request = hidden(html, 'request');
  const csrfToken = hidden(html, 'csrf_token');
  return {
    status: res.status,
    headers: res.headers,
    html,
    ...(cookie && { cookie }),
    ...(request && csrfToken && { form: { request, csrf_token: csrfToken } }),
  };
}

/** Posts the page's form to `gateway`; `headers` may replace the cookie or add an Origin. */
export async function submitHostedPage(
  gateway: string,
  page: HostedPage,
  credentials: { email: string; password: string },
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${gateway}/api/v1/auth/authorize`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(page.cookie && { cookie: page.cookie }),
      ...headers,
    },
    body: new URLSearchParams({
      email: credentials.email,
      password: credentials.password,
      ...page.form,
    }).toString(),
  });
  const location = res.headers.get('location');
  return {
    status: res.status,
    html: await res.text(),
    location: location ? new URL(location) : undefined,
  };
}

/** The browser leg in one call: the URL the client built, signed in, to where the page sends the browser back. */
export async function signInThroughPage(
  gateway: string,
  authorizationUrl: string | URL,
  credentials: { email: string; password: string },
): Promise<URL> {
  const page = await openHostedPage(authorizationUrl);
  if (page.status !== 200 || !page.form) throw new Error(`login page: ${page.status}`);
  const answer = await submitHostedPage(gateway, page, credentials);
  if (answer.status !== 303 || !answer.location)
    throw new Error(`login form: ${answer.status} ${answer.html.slice(0, 400)}`);
  return answer.location;
}

/** The development client every e2e system registers (PUBLIC_BASE_URL's default). */
export const DEMO_CLIENT = { clientId: 'portico-demo', redirectUri: 'http://127.0.0.1:8080/demo/' };

/**
 * Tokens of the authorization code flow with PKCE for `credentials`, as a
 * public client gets them: the page, the form, and the code redeemed.
 */
export async function codeFlowTokens(
  gateway: string,
  credentials: { email: string; password: string },
  client = DEMO_CLIENT,
): Promise<{ access_token: string; refresh_token: string; id_token: string; scope: string }> {
  const verifier = randomBytes(32).toString('base64url');
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: client.redirectUri,
    scope: 'openid profile email',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  const back = await signInThroughPage(
    gateway,
    `${gateway}/api/v1/auth/authorize?${query}`,
    credentials,
  );
  const res = await fetch(`${gateway}/api/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: back.searchParams.get('code') ?? '',
      code_verifier: verifier,
      client_id: client.clientId,
      redirect_uri: client.redirectUri,
    }),
  });
  if (res.status !== 200) throw new Error(`code redemption: ${res.status}`);
  return res.json() as Promise<{
    access_token: string;
    refresh_token: string;
    id_token: string;
    scope: string;
  }>;
}
