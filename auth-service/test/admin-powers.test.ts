import { ADMIN, type AuthHarness, login, startAuth } from './support/auth-harness.js';

const ROTATE = '/api/v1/auth/keys/rotate';

async function rotate(base: string, accessToken: string) {
  const res = await fetch(`${base}${ROTATE}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${accessToken}` },
  });
  return { status: res.status, headers: res.headers, body: JSON.parse(await res.text()) };
}

async function signingKids(auth: AuthHarness) {
  const rows = await auth.database.db.selectFrom('signing_keys').select(['kid', 'state']).execute();
  return rows.map((r) => `${r.kid}:${r.state}`).sort();
}

const setAdmin = (auth: AuthHarness, changes: { status?: 'active' | 'disabled'; roles?: string }) =>
  auth.database.db.updateTable('accounts').set(changes).where('email', '=', ADMIN.email).execute();

describe('admin powers on /api/v1/auth/**', () => {
  let auth: AuthHarness;
  beforeEach(async () => {
    auth = await startAuth();
  });
  afterEach(() => auth.stop());

  it('when an admin is disabled after their token was issued, then rotating with it is a 403 ACCOUNT_DISABLED and no key changes', async () => {
    const token = (await login(auth.url, ADMIN)).access_token;
    // What the `user.disabled` event leaves behind (src/domain/user-event-handlers.ts).
    await setAdmin(auth, { status: 'disabled' });
    const before = await signingKids(auth);
    const res = await rotate(auth.url, token);
    expect({ status: res.status, code: res.body.code }).toEqual({
      status: 403,
      code: 'ACCOUNT_DISABLED',
    });
    expect(await signingKids(auth)).toEqual(before);
  });

  it('when an admin loses the admin role after their token was issued, then rotating with it is a 403 ROLE_REQUIRED', async () => {
    const token = (await login(auth.url, ADMIN)).access_token;
    await setAdmin(auth, { roles: 'user' });
    const res = await rotate(auth.url, token);
    expect({ status: res.status, code: res.body.code }).toEqual({
      status: 403,
      code: 'ROLE_REQUIRED',
    });
  });

  it('when the admin rotates a third time within two minutes, then it is a 429 ROTATION_THROTTLED with Retry-After and no key changes', async () => {
    const token = (await login(auth.url, ADMIN)).access_token;
    expect((await rotate(auth.url, token)).status).toBe(200);
    expect((await rotate(auth.url, token)).status).toBe(200);
    const before = await signingKids(auth);
    const third = await rotate(auth.url, token);
    expect({ status: third.status, code: third.body.code }).toEqual({
      status: 429,
      code: 'ROTATION_THROTTLED',
    });
    const retryAfter = Number(third.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(120);
    expect(await signingKids(auth)).toEqual(before);
  });

  it('when rotation is refused for a disabled admin, then it does not use up the rotation allowance', async () => {
    const token = (await login(auth.url, ADMIN)).access_token;
    await setAdmin(auth, { status: 'disabled' });
    for (let i = 0; i < 3; i += 1) expect((await rotate(auth.url, token)).status).toBe(403);
    await setAdmin(auth, { status: 'active' });
    expect((await rotate(auth.url, token)).status).toBe(200);
    expect((await rotate(auth.url, token)).status).toBe(200);
  });
});
