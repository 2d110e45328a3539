import { type AuthHarness, registerAndLogin, startAuth } from './support/auth-harness.js';
import {
  AUTHORIZE,
  authorizeParams,
  OAUTH_ENV,
  openLoginPage,
  pkce,
  TOKEN,
} from './support/oauth-flow.js';

type Case = {
  when: string;
  method?: 'GET' | 'POST';
  path: string;
  /** A form body (application/x-www-form-urlencoded unless contentType says otherwise). */
  body?: string;
  contentType?: string;
  headers?: Record<string, string>;
  status: number;
  /** The RFC 9457 `code`, or (token endpoint) the RFC 6749 `error`, or `html` for a page. */
  answer: string;
};

const FORM = 'application/x-www-form-urlencoded';
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const code = {
  grant_type: 'authorization_code',
  client_id: 'spa',
  code: 'c'.repeat(43),
  redirect_uri: 'http://127.0.0.1:5173/callback',
  code_verifier: 'v'.repeat(43),
};
const login = {
  email: 'a@example.com',
  password: 'secret-password',
  request: 'x.y.z',
  csrf_token: 't'.repeat(43),
};
const { challenge } = pkce();
const authorize = (extra: string) =>
  `${AUTHORIZE}?${new URLSearchParams(authorizeParams(challenge))}${extra}`;

// biome-ignore format: one case a line reads as a table
const cases: Case[] = [
  { path: TOKEN, when: 'grant_type is missing', body: form({ client_id: 'spa' }), status: 400, answer: 'invalid_request' },
  { path: TOKEN, when: 'grant_type is password', body: form({ ...code, grant_type: 'password' }), status: 400, answer: 'unsupported_grant_type' },
  { path: TOKEN, when: 'grant_type is implicit-looking', body: form({ ...code, grant_type: 'token' }), status: 400, answer: 'unsupported_grant_type' },
  { path: TOKEN, when: 'an unknown field rides along', body: form({ ...code, username: 'admin' }), status: 400, answer: 'invalid_request' },
  { path: TOKEN, when: 'code is given twice', body: `${form(code)}&code=other`, status: 400, answer: 'invalid_request' },
  { path: TOKEN, when: 'code is 201 characters', body: form({ ...code, code: 'c'.repeat(201) }), status: 400, answer: 'invalid_request' },
  { path: TOKEN, when: 'code is empty', body: form({ ...code, code: '' }), status: 400, answer: 'invalid_request' },
  { path: TOKEN, when: 'the refresh grant has no refresh_token', body: form({ grant_type: 'refresh_token', client_id: 'spa' }), status: 400, answer: 'invalid_request' },
  { path: TOKEN, when: 'the refresh grant names no client', body: form({ grant_type: 'refresh_token', refresh_token: 'r'.repeat(43) }), status: 401, answer: 'invalid_client' },
  { path: TOKEN, when: 'Basic and a form secret are both given', body: form({ ...code, client_secret: 's'.repeat(40) }), headers: { authorization: `Basic ${Buffer.from('spa:x').toString('base64')}` }, status: 401, answer: 'invalid_client' },
  { path: TOKEN, when: 'the Authorization scheme is Bearer', body: form(code), headers: { authorization: 'Bearer abc' }, status: 401, answer: 'invalid_client' },
  { path: TOKEN, when: 'the code grant is sent as JSON', body: JSON.stringify(code), contentType: 'application/json', status: 415, answer: 'UNSUPPORTED_MEDIA_TYPE' },
  { method: 'GET', path: authorize('&client_id=spa'), when: 'client_id is repeated', status: 400, answer: 'VALIDATION_FAILED' },
  { method: 'GET', path: authorize(`&state=${'s'.repeat(2001)}`), when: 'state is over 2000 characters', status: 400, answer: 'VALIDATION_FAILED' },
  { method: 'GET', path: `${AUTHORIZE}?client_id=${'c'.repeat(101)}`, when: 'client_id is 101 characters', status: 400, answer: 'VALIDATION_FAILED' },
  { method: 'GET', path: `${AUTHORIZE}?client_id=%00`, when: 'client_id holds U+0000', status: 400, answer: 'VALIDATION_FAILED' },
  { method: 'GET', path: `${AUTHORIZE}?client_id=%E0%A4%A`, when: 'client_id is a broken escape', status: 400, answer: 'html' },
  { path: AUTHORIZE, when: 'the form lacks the password', body: form({ ...login, password: '' }), status: 400, answer: 'VALIDATION_FAILED' },
  { path: AUTHORIZE, when: 'the form has an unknown field', body: form({ ...login, remember: '1' }), status: 400, answer: 'VALIDATION_FAILED' },
  { path: AUTHORIZE, when: 'the form is JSON', body: JSON.stringify(login), contentType: 'application/json', status: 415, answer: 'UNSUPPORTED_MEDIA_TYPE' },
  { path: AUTHORIZE, when: 'the signed request is garbage', body: form(login), status: 400, answer: 'html' },
  { method: 'GET', path: '/api/v1/auth/userinfo?access_token=abc', when: 'the token rides in the query', status: 400, answer: 'VALIDATION_FAILED' },
  { path: '/api/v1/auth/userinfo', when: 'POST carries no token', status: 401, answer: 'INVALID_TOKEN' },
  { method: 'GET', path: '/api/v1/auth/end-session?id_token_hint=a&id_token_hint=b', when: 'id_token_hint is repeated', status: 400, answer: 'VALIDATION_FAILED' },
  { method: 'GET', path: '/api/v1/auth/end-session?id_token_hint=not-a-jwt', when: 'id_token_hint is not a JWT', status: 400, answer: 'html' },
  { method: 'GET', path: `/api/v1/auth/end-session?id_token_hint=${'a'.repeat(8193)}`, when: 'id_token_hint is over 8192 characters', status: 400, answer: 'VALIDATION_FAILED' },
  { method: 'POST', path: '/api/v1/auth/end-session', when: 'end-session is posted', status: 405, answer: 'METHOD_NOT_ALLOWED' },
];

describe('bad input on the OAuth endpoints', () => {
  let auth: AuthHarness;
  beforeAll(async () => {
    auth = await startAuth(OAUTH_ENV);
    await registerAndLogin(auth.url);
    // A login page served first: serving one writes nothing either.
    await openLoginPage(auth.url, authorizeParams(challenge));
  });
  afterAll(() => auth.stop());

  async function rows() {
    const db = auth.database.db;
    const [codes, refreshTokens, revoked] = await Promise.all([
      db.selectFrom('authorization_codes').select(['code_hash', 'state']).execute(),
      db.selectFrom('refresh_tokens').select(['id', 'state']).orderBy('id').execute(),
      db.selectFrom('revoked_sessions').select('session_id').execute(),
    ]);
    return { codes, refreshTokens, revoked };
  }

  it.each(cases)('when $when, then $status $answer and nothing is written', async (c) => {
    const before = await rows();
    const res = await fetch(`${auth.url}${c.path}`, {
      method: c.method ?? 'POST',
      redirect: 'manual',
      headers: {
        ...(c.body !== undefined && { 'content-type': c.contentType ?? FORM }),
        ...c.headers,
      },
      ...(c.body !== undefined && { body: c.body }),
    });
    const text = await res.text();
    expect(res.status).toBe(c.status);
    expect(res.headers.get('location')).toBeNull();
    const type = res.headers.get('content-type') ?? '';
    if (c.answer === 'html') {
      expect(type).toMatch(/^text\/html/);
      expect(text).not.toContain('<form');
    } else if (/^[a-z_]+$/.test(c.answer)) {
      // RFC 6749 §5.2 (openid-client reads only application/json) and RFC 9457 in one body.
      expect(type).toMatch(/^application\/json/);
      expect(JSON.parse(text)).toMatchObject({ error: c.answer, status: c.status });
    } else {
      expect(type).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(text)).toMatchObject({ code: c.answer, status: c.status });
    }
    expect(await rows()).toEqual(before);
  });
});
