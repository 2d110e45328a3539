import { rmSync } from 'node:fs';
import {
  type AuthHarness,
  makeAuthDir,
  registerAndLogin,
  startAuth,
} from './support/auth-harness.js';
import {
  AUTHORIZE,
  authorizeParams,
  OAUTH_ENV,
  openLoginPage,
  pkce,
  SPA,
  submitLogin,
} from './support/oauth-flow.js';

const ISSUER = 'http://127.0.0.1:8080';

describe('the authorization endpoint and its login page', () => {
  let auth: AuthHarness;
  let user: { email: string; password: string };
  const { challenge } = pkce();
  beforeAll(async () => {
    auth = await startAuth({ ...OAUTH_ENV, LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: '3' });
    user = await registerAndLogin(auth.url);
  });
  afterAll(() => auth.stop());

  const codeRows = async () =>
    (await auth.database.db.selectFrom('authorization_codes').selectAll().execute()).length;

  describe('before the client is trusted', () => {
    const untrusted: [string, Record<string, string | undefined>][] = [
      ['client_id is missing', { client_id: undefined }],
      ['the client is unknown', { client_id: 'nobody' }],
      ['redirect_uri is missing', { redirect_uri: undefined }],
      [
        'redirect_uri is registered by another client',
        { redirect_uri: 'http://127.0.0.1:6000/callback' },
      ],
      ['redirect_uri has a suffix', { redirect_uri: `${SPA.redirect_uris[0]}/evil` }],
      ['redirect_uri has another case', { redirect_uri: SPA.redirect_uris[0]!.toUpperCase() }],
      [
        'redirect_uri is percent-encoded',
        { redirect_uri: SPA.redirect_uris[0]!.replace('callback', 'c%61llback') },
      ],
    ];
    it.each(untrusted)(
      'when %s, then an HTML error page (400) answers and nothing redirects',
      async (_when, overrides) => {
        const page = await openLoginPage(auth.url, authorizeParams(challenge, overrides));
        expect(page.status).toBe(400);
        expect(page.headers.get('location')).toBeNull();
        expect(page.headers.get('content-type')).toMatch(/^text\/html/);
        expect(page.html).not.toContain('<form');
        expect(page.cookie).toBeUndefined();
      },
    );
  });

  describe('once the client and redirect_uri are trusted', () => {
    const errors: [string, Record<string, string | undefined>, string][] = [
      ['code_challenge_method is plain', { code_challenge_method: 'plain' }, 'invalid_request'],
      ['code_challenge_method is missing', { code_challenge_method: undefined }, 'invalid_request'],
      ['code_challenge is missing', { code_challenge: undefined }, 'invalid_request'],
      ['code_challenge is not an S256 value', { code_challenge: 'short' }, 'invalid_request'],
      ['response_type is token', { response_type: 'token' }, 'unsupported_response_type'],
      ['response_type is missing', { response_type: undefined }, 'invalid_request'],
      ['a scope is unknown', { scope: 'openid admin' }, 'invalid_scope'],
      ['prompt is none', { prompt: 'none' }, 'login_required'],
      ['response_mode is fragment', { response_mode: 'fragment' }, 'invalid_request'],
    ];
    it.each(errors)(
      'when %s, then the error goes back to redirect_uri with state and iss',
      async (_when, overrides, error) => {
        const page = await openLoginPage(auth.url, authorizeParams(challenge, overrides));
        expect(page.status).toBe(302);
        const location = new URL(page.headers.get('location')!);
        expect(`${location.origin}${location.pathname}`).toBe(SPA.redirect_uris[0]);
        expect(location.searchParams.get('error')).toBe(error);
        expect(location.searchParams.get('error_description')).toBeTruthy();
        expect(location.searchParams.get('state')).toBe('state-123');
        expect(location.searchParams.get('iss')).toBe(ISSUER);
      },
    );

    it('when the redirect_uri has its own query, then the error keeps it', async () => {
      const page = await openLoginPage(
        auth.url,
        authorizeParams(challenge, {
          redirect_uri: SPA.redirect_uris[1],
          code_challenge_method: 'plain',
        }),
      );
      const location = new URL(page.headers.get('location')!);
      expect(location.searchParams.get('from')).toBe('login');
      expect(location.searchParams.get('error')).toBe('invalid_request');
    });
  });

  describe('the page', () => {
    it('when the request is valid, then a login page with a strict CSP, no framing and a CSRF cookie answers', async () => {
      const page = await openLoginPage(auth.url, authorizeParams(challenge));
      expect(page.status).toBe(200);
      const csp = page.headers.get('content-security-policy')!;
      expect(csp).toMatch(/default-src 'none'/);
      expect(csp).toMatch(/style-src 'nonce-[A-Za-z0-9+/=]+'/);
      expect(csp).toMatch(/form-action 'self'/);
      expect(csp).toMatch(/frame-ancestors 'none'/);
      expect(csp).toMatch(/base-uri 'none'/);
      expect(page.headers.get('x-frame-options')).toBe('DENY');
      expect(page.headers.get('cache-control')).toBe('no-store');
      expect(page.headers.get('referrer-policy')).toBe('no-referrer');
      expect(page.headers.get('x-content-type-options')).toBe('nosniff');
      const cookie = page.headers.get('set-cookie')!;
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Strict/);
      expect(cookie).toMatch(/Path=\/api\/v1\/auth\/authorize/);
      expect(cookie).not.toMatch(/Secure/);
      // The form carries the signed request (a compact JWS) and the cookie's CSRF token.
      expect(page.handle).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(page.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(cookie).toContain(`portico_login_csrf=${page.csrfToken};`);
      // No script, no external asset; the client's name is escaped.
      expect(page.html).not.toMatch(/<script|src=|href=/i);
      expect(page.html).toContain('Shop &lt;SPA&gt; &amp; &quot;friends&quot;');
    });

    it('when PUBLIC_BASE_URL is https, then the CSRF cookie is Secure', async () => {
      const secure = await startAuth({ ...OAUTH_ENV, PUBLIC_BASE_URL: 'https://portico.test' });
      try {
        const page = await openLoginPage(secure.url, authorizeParams(challenge));
        expect(page.headers.get('set-cookie')).toMatch(/; Secure/);
      } finally {
        await secure.stop();
      }
    });
  });

  describe('the form', () => {
    it('when the credentials are right, then a 303 goes back with code, state and iss', async () => {
      const page = await openLoginPage(auth.url, authorizeParams(challenge));
      const answer = await submitLogin(auth.url, page, user);
      expect(answer.status).toBe(303);
      const location = answer.location!;
      expect(`${location.origin}${location.pathname}`).toBe(SPA.redirect_uris[0]);
      expect(location.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(location.searchParams.get('state')).toBe('state-123');
      expect(location.searchParams.get('iss')).toBe(ISSUER);
    });

    it('when the password is wrong or the account unknown, then the page answers again with one message and no code', async () => {
      const before = await codeRows();
      const page = await openLoginPage(auth.url, authorizeParams(challenge));
      const wrong = await submitLogin(auth.url, page, { ...user, password: 'not the password' });
      const unknown = await submitLogin(auth.url, page, {
        email: 'nobody@example.com',
        password: 'whatever1',
      });
      for (const answer of [wrong, unknown]) {
        expect(answer.status).toBe(400);
        expect(answer.location).toBeUndefined();
        expect(answer.html).toContain('The email or password is wrong.');
        expect(answer.html).toContain('<form');
      }
      expect(await codeRows()).toBe(before);
    });

    const forgeries: [
      string,
      (page: Awaited<ReturnType<typeof openLoginPage>>) => Parameters<typeof submitLogin>[3],
    ][] = [
      ['the CSRF cookie is missing (a cross-site post)', () => ({ headers: { cookie: '' } })],
      ['the CSRF token differs from the cookie', () => ({ form: { csrf_token: 'x'.repeat(43) } })],
      [
        "the cookie and token are another page's",
        () => ({
          headers: { cookie: `portico_login_csrf=${'y'.repeat(43)}` },
          form: { csrf_token: 'y'.repeat(43) },
        }),
      ],
      ['the Origin is another site', () => ({ headers: { origin: 'https://evil.test' } })],
      ['Sec-Fetch-Site says cross-site', () => ({ headers: { 'sec-fetch-site': 'cross-site' } })],
    ];
    it.each(forgeries)('when %s, then 403 and nobody is signed in', async (_when, forge) => {
      const before = await codeRows();
      const page = await openLoginPage(auth.url, authorizeParams(challenge));
      const answer = await submitLogin(auth.url, page, user, forge(page));
      expect(answer.status).toBe(403);
      expect(answer.location).toBeUndefined();
      expect(answer.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await codeRows()).toBe(before);
    });

    it('when the signed request was altered, then the page is refused as expired', async () => {
      const page = await openLoginPage(auth.url, authorizeParams(challenge));
      const [header, payload, signature] = page.handle!.split('.');
      const altered = JSON.parse(Buffer.from(payload!, 'base64url').toString());
      altered.request.redirectUri = 'https://evil.test/';
      const forged = `${header}.${Buffer.from(JSON.stringify(altered)).toString('base64url')}.${signature}`;
      const answer = await submitLogin(auth.url, page, user, { form: { request: forged } });
      expect(answer.status).toBe(400);
      expect(answer.location).toBeUndefined();
    });

    it('when an address keeps guessing one account, then the JSON login throttle stops the form too', async () => {
      const victim = await registerAndLogin(auth.url);
      const page = await openLoginPage(auth.url, authorizeParams(challenge));
      const statuses = [];
      for (let i = 0; i < 4; i += 1)
        statuses.push(
          (await submitLogin(auth.url, page, { ...victim, password: `wrong-${i}-password` }))
            .status,
        );
      expect(statuses).toEqual([400, 400, 400, 429]);
      const right = await submitLogin(auth.url, page, victim);
      expect(right.status).toBe(429);
      expect(right.headers.get('retry-after')).toMatch(/^\d+$/);
    });
  });

  it('when one replica served the page and another receives the form, then the sign-in completes: nothing was held in memory', async () => {
    const dir = makeAuthDir();
    const first = await startAuth(OAUTH_ENV, { dir });
    const second = await startAuth(OAUTH_ENV, { dir });
    try {
      const someone = await registerAndLogin(first.url);
      const page = await openLoginPage(first.url, authorizeParams(challenge));
      const answer = await submitLogin(second.url, page, someone);
      expect(answer.status).toBe(303);
      expect(answer.location?.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    } finally {
      await second.stop();
      await first.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when the page was left open over 10 minutes, then its form is refused; across a key rotation it still works', async () => {
    let clock = Date.now();
    const timed = await startAuth(OAUTH_ENV, { now: () => clock });
    try {
      const someone = await registerAndLogin(timed.url);
      const stale = await openLoginPage(timed.url, authorizeParams(challenge));
      const fresh = await openLoginPage(timed.url, authorizeParams(challenge));
      await timed.keyRing.rotate();
      expect((await submitLogin(timed.url, fresh, someone)).status).toBe(303);
      clock += 601_000;
      const answer = await submitLogin(timed.url, stale, someone);
      expect(answer.status).toBe(400);
      expect(answer.html).toContain('expired');
    } finally {
      await timed.stop();
    }
  });

  it('when the authorize form is posted as JSON, then 415 and no page', async () => {
    const res = await fetch(`${auth.url}${AUTHORIZE}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(415);
  });
});
