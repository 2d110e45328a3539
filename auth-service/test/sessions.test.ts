import { decodeJwt } from 'jose';
import { type AuthHarness, postJson, startAuth, uniqueEmail } from './support/auth-harness.js';

describe('auth sessions', () => {
  let auth: AuthHarness;
  beforeAll(async () => {
    auth = await startAuth({ LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: '5' });
  });
  afterAll(() => auth.stop());

  async function registerAndLogin(password = 'correct horse battery') {
    const email = uniqueEmail();
    const reg = await postJson(auth.url, '/api/v1/auth/register', { email, password, name: 'Ada' });
    expect(reg.status).toBe(201);
    const login = await postJson(auth.url, '/api/v1/auth/login', { email, password });
    expect(login.status).toBe(200);
    return { email, password, id: reg.body.id as string, tokens: login.body };
  }

  it('when a user registers and logs in, then they get a bearer access token and a refresh token', async () => {
    const { tokens } = await registerAndLogin();
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
    expect(tokens.access_token.split('.')).toHaveLength(3);
    expect(typeof tokens.refresh_token).toBe('string');
  });

  it('when a session refreshes, then its access tokens keep its sid; another login gets another sid', async () => {
    const { email, password, tokens } = await registerAndLogin();
    const refreshed = await postJson(auth.url, '/api/v1/auth/refresh', {
      refresh_token: tokens.refresh_token,
    });
    const other = await postJson(auth.url, '/api/v1/auth/login', { email, password });
    const sid = decodeJwt(tokens.access_token).sid;
    expect(sid).toEqual(expect.any(String));
    expect(decodeJwt(refreshed.body.access_token).sid).toBe(sid);
    expect(decodeJwt(other.body.access_token).sid).toEqual(expect.any(String));
    expect(decodeJwt(other.body.access_token).sid).not.toBe(sid);
  });

  it('when the email is taken in another case, then registering again is a 409 problem', async () => {
    const email = uniqueEmail();
    await postJson(auth.url, '/api/v1/auth/register', { email, password: 'password-1', name: 'A' });
    const again = await postJson(auth.url, '/api/v1/auth/register', {
      email: email.toUpperCase(),
      password: 'password-2',
      name: 'B',
    });
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(again.body.code).toBe('EMAIL_TAKEN');
  });

  it('when the password is wrong or the email unknown, then both get the same 401', async () => {
    const { email } = await registerAndLogin();
    const wrong = await postJson(auth.url, '/api/v1/auth/login', {
      email,
      password: 'not the password',
    });
    const unknown = await postJson(auth.url, '/api/v1/auth/login', {
      email: uniqueEmail(),
      password: 'whatever1',
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const { instance: _a, ...wrongBody } = wrong.body;
    const { instance: _b, ...unknownBody } = unknown.body;
    expect(wrongBody).toEqual(unknownBody);
  });

  it('when a refresh token is used, then it is spent, and reusing it revokes its whole family', async () => {
    const { tokens } = await registerAndLogin();
    const first = await postJson(auth.url, '/api/v1/auth/refresh', {
      refresh_token: tokens.refresh_token,
    });
    expect(first.status).toBe(200);
    expect(first.body.refresh_token).not.toBe(tokens.refresh_token);

    const reuse = await postJson(auth.url, '/api/v1/auth/refresh', {
      refresh_token: tokens.refresh_token,
    });
    expect(reuse.status).toBe(401);
    expect(reuse.body.code).toBe('INVALID_REFRESH_TOKEN');

    // The successor, though never used, died with its family.
    const successor = await postJson(auth.url, '/api/v1/auth/refresh', {
      refresh_token: first.body.refresh_token,
    });
    expect(successor.status).toBe(401);
  });

  it('when ten refreshes of one token race, then at most one succeeds', async () => {
    const { tokens } = await registerAndLogin();
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        postJson(auth.url, '/api/v1/auth/refresh', { refresh_token: tokens.refresh_token }),
      ),
    );
    const succeeded = results.filter((r) => r.status === 200);
    expect(succeeded.length).toBeLessThanOrEqual(1);
    expect(results.every((r) => r.status === 200 || r.status === 401)).toBe(true);
  });

  it('when a user logs out, then the refresh token no longer works', async () => {
    const { tokens } = await registerAndLogin();
    const out = await postJson(auth.url, '/api/v1/auth/logout', {
      refresh_token: tokens.refresh_token,
    });
    expect(out.status).toBe(204);
    const after = await postJson(auth.url, '/api/v1/auth/refresh', {
      refresh_token: tokens.refresh_token,
    });
    expect(after.status).toBe(401);
  });

  it('when 20 wrong passwords arrive in parallel, then no more than the limit are checked', async () => {
    const { email } = await registerAndLogin();
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        postJson(auth.url, '/api/v1/auth/login', { email, password: 'wrong password' }),
      ),
    );
    const checked = results.filter((r) => r.status === 401).length;
    const throttled = results.filter((r) => r.status === 429);
    expect(checked).toBeLessThanOrEqual(5);
    expect(throttled.length).toBe(20 - checked);
    expect(Number(throttled[0]!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(throttled[0]!.body.code).toBe('LOGIN_THROTTLED');
  });

  it('when a long passphrase is registered, then it is used in full and its prefix is refused', async () => {
    const password = `${'p'.repeat(100)}the end matters`;
    const { email } = await registerAndLogin(password);
    const prefix = await postJson(auth.url, '/api/v1/auth/login', {
      email,
      password: 'p'.repeat(100),
    });
    expect(prefix.status).toBe(401);
  });

  it('when an account is disabled, then it can neither log in nor refresh', async () => {
    const { email, password, id, tokens } = await registerAndLogin();
    await auth.database.db
      .updateTable('accounts')
      .set({ status: 'disabled' })
      .where('id', '=', id)
      .execute();
    expect((await postJson(auth.url, '/api/v1/auth/login', { email, password })).status).toBe(401);
    const refresh = await postJson(auth.url, '/api/v1/auth/refresh', {
      refresh_token: tokens.refresh_token,
    });
    expect(refresh.status).toBe(401);
  });
});
