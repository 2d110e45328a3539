import { createHash, randomBytes } from 'node:crypto';
import { eventually } from '@portico/test-kit';
import { openHostedPage, submitHostedPage } from '../support/hosted-login.js';
import { type Account, call, newAccount } from './support/clients.js';
import { expectCleanLogs } from './support/leaks.js';
import { useSystemUnderAttack } from './support/system-under-attack.js';

/**
 * Attacks on the browser login (issue 11), through the gateway, on the
 * development clients: `portico-demo` (redirect and post-logout
 * `http://127.0.0.1:8080/demo/`) and `portico-docs`.
 */
// The victim signs in many times; the gateway's login limit (which the form shares) is not what this tests.
const system = useSystemUnderAttack({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
const BASE = 'http://127.0.0.1:8080';
const DEMO = { clientId: 'portico-demo', redirectUri: `${BASE}/demo/` };
const DOCS = { clientId: 'portico-docs', redirectUri: `${BASE}/docs/oauth2-redirect.html` };
let victim: Account;

beforeAll(async () => {
  victim = await newAccount(system);
});

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizeUrl(challenge: string, overrides: Record<string, string> = {}) {
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: DEMO.clientId,
    redirect_uri: DEMO.redirectUri,
    scope: 'openid profile email',
    state: 'victim-state',
    nonce: 'victim-nonce',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...overrides,
  });
  return `${system.gateway}/api/v1/auth/authorize?${params}`;
}

/** The victim signs in on the real page; the code and verifier are what the client holds. */
async function victimCode(overrides: Record<string, string> = {}) {
  const { verifier, challenge } = pkce();
  const page = await openHostedPage(authorizeUrl(challenge, overrides));
  const answer = await submitHostedPage(system.gateway, page, victim);
  const code = answer.location?.searchParams.get('code');
  if (answer.status !== 303 || !code) throw new Error(`sign-in: ${answer.status}`);
  return { code: system.secret(code), verifier, location: answer.location! };
}

/** A token endpoint answer: tokens, or an RFC 6749 error. */
type TokenAnswer = {
  access_token: string;
  refresh_token: string;
  id_token: string;
  error?: string;
};
const redeem = (form: Record<string, string>) =>
  fetch(`${system.gateway}/api/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', ...form }).toString(),
  }).then(async (res) => ({ status: res.status, body: (await res.json()) as TokenAnswer }));
const demoForm = (flow: { code: string; verifier: string }) => ({
  code: flow.code,
  code_verifier: flow.verifier,
  client_id: DEMO.clientId,
  redirect_uri: DEMO.redirectUri,
});

describe('redirect_uri variants', () => {
  const variants: [string, string][] = [
    ['a suffix', `${DEMO.redirectUri}evil`],
    ['a prefix', `https://evil.test/?${DEMO.redirectUri}`],
    ['another case', DEMO.redirectUri.toUpperCase()],
    ['the path percent-encoded', `${BASE}/%64emo/`],
    ['an extra path', `${DEMO.redirectUri}callback/../`],
    ['the trailing slash dropped', `${BASE}/demo`],
    ['another port', 'http://127.0.0.1:8081/demo/'],
    ['another scheme', 'https://127.0.0.1:8080/demo/'],
    ['the userinfo @ trick', 'http://127.0.0.1:8080@evil.test/demo/'],
    ['a host of localhost', 'http://localhost:8080/demo/'],
    ['a fragment', `${DEMO.redirectUri}#x`],
    ['an added query', `${DEMO.redirectUri}?next=https://evil.test`],
    ["another client's address", DOCS.redirectUri],
  ];
  it.each(variants)(
    'when redirect_uri has %s, then a 400 page answers before any login page, and nothing redirects',
    async (_variant, redirectUri) => {
      const page = await openHostedPage(
        authorizeUrl(pkce().challenge, { redirect_uri: redirectUri }),
      );
      expect(page.status).toBe(400);
      expect(page.headers.get('location')).toBeNull();
      expect(page.headers.get('set-cookie')).toBeNull();
      expect(page.form).toBeUndefined();
      expect(page.html).not.toContain('<form');
    },
  );
});

describe('codes', () => {
  it('when the code_verifier is missing or wrong, then no tokens', async () => {
    const flow = await victimCode();
    const { code_verifier: _verifier, ...noVerifier } = demoForm(flow);
    expect(await redeem(noVerifier)).toMatchObject({
      status: 400,
      body: { error: 'invalid_request' },
    });
    const wrong = await redeem({ ...demoForm(flow), code_verifier: pkce().verifier });
    expect(wrong).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(wrong.body.access_token).toBeUndefined();
  });

  it('when a code is redeemed for another client, then invalid_grant', async () => {
    const flow = await victimCode();
    const stolen = await redeem({
      ...demoForm(flow),
      client_id: DOCS.clientId,
      redirect_uri: DOCS.redirectUri,
    });
    expect(stolen).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('when a code is replayed, then it is refused and the session it issued is revoked everywhere', async () => {
    const flow = await victimCode();
    const first = await redeem(demoForm(flow));
    expect(first.status).toBe(200);
    const access = system.secret(first.body.access_token);
    system.secret(first.body.refresh_token);
    system.secret(first.body.id_token);
    expect((await call(system.gateway, '/api/v1/users/me', { token: access })).status).toBe(200);

    expect(await redeem(demoForm(flow))).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant' },
    });
    // The revocation travels as an event: bounded by a generous wait, not a tight one.
    await eventually(
      'the revoked access token refused',
      async () =>
        (await call(system.gateway, '/api/v1/users/me', { token: access })).status === 401,
      { timeoutMs: 10_000 },
    );
    const refresh = await fetch(`${system.gateway}/api/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: first.body.refresh_token,
        client_id: DEMO.clientId,
      }),
    });
    expect(refresh.status).toBe(400);
  });

  it('when the victim signs in, then state comes back and the nonce is in the ID token', async () => {
    const flow = await victimCode({ state: 'carried-state', nonce: 'carried-nonce' });
    expect(flow.location.searchParams.get('state')).toBe('carried-state');
    const tokens = await redeem(demoForm(flow));
    system.secret(tokens.body.access_token);
    system.secret(tokens.body.refresh_token);
    const claims = JSON.parse(
      Buffer.from(system.secret(tokens.body.id_token).split('.')[1]!, 'base64url').toString(),
    );
    expect(claims).toMatchObject({ nonce: 'carried-nonce', aud: DEMO.clientId, sub: victim.id });
  });
});

describe('ID token and access token mix-up', () => {
  it('when an ID token is presented as an access token, then the gateway and every service refuse it', async () => {
    const tokens = await redeem(demoForm(await victimCode()));
    const idToken = system.secret(tokens.body.id_token);
    system.secret(tokens.body.access_token);
    system.secret(tokens.body.refresh_token);
    for (const [base, path] of [
      [system.gateway, '/api/v1/users/me'],
      [system.gateway, '/api/v1/orders'],
      [system.user, '/api/v1/users/me'],
      [system.order, '/api/v1/orders'],
      [system.gateway, '/api/v1/auth/userinfo'],
    ] as const) {
      expect({ path, status: (await call(base, path, { token: idToken })).status }).toEqual({
        path,
        status: 401,
      });
    }
  });
});

describe('post_logout_redirect_uri', () => {
  const targets = [
    'https://evil.test/',
    `${DEMO.redirectUri}evil`,
    'http://127.0.0.1:8080@evil.test/demo/',
    '//evil.test/demo/',
    `${BASE}/docs/oauth2-redirect.html`,
  ];
  it.each(targets)(
    'when it is %s, then a 400 page, no redirect, and the session lives',
    async (target) => {
      const tokens = await redeem(demoForm(await victimCode()));
      const access = system.secret(tokens.body.access_token);
      system.secret(tokens.body.refresh_token);
      const params = new URLSearchParams({
        id_token_hint: system.secret(tokens.body.id_token),
        post_logout_redirect_uri: target,
      });
      const res = await fetch(`${system.gateway}/api/v1/auth/end-session?${params}`, {
        redirect: 'manual',
      });
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect((await call(system.gateway, '/api/v1/users/me', { token: access })).status).toBe(200);
    },
  );
});

describe('cross-site form posts', () => {
  it('when another site posts the form without the cookie, or with a foreign Origin, then 403 and nobody is signed in', async () => {
    const page = await openHostedPage(authorizeUrl(pkce().challenge));
    const noCookie = await submitHostedPage(system.gateway, page, victim, { cookie: '' });
    const foreign = await submitHostedPage(system.gateway, page, victim, {
      origin: 'https://evil.test',
    });
    const crossSite = await submitHostedPage(system.gateway, page, victim, {
      'sec-fetch-site': 'cross-site',
    });
    for (const answer of [noCookie, foreign, crossSite]) {
      expect(answer.status).toBe(403);
      expect(answer.location).toBeUndefined();
    }
    // The same page, posted by the browser that loaded it, still works: nothing was consumed.
    expect((await submitHostedPage(system.gateway, page, victim)).status).toBe(303);
  });
});

it('when every attack above is done, then no log line holds a password, code or token, and nothing failed', () => {
  expectCleanLogs(system);
});
