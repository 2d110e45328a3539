import { rmSync } from 'node:fs';
import { createTokenVerifier } from '@portico/token-auth';
import {
  ADMIN,
  type AuthHarness,
  makeAuthDir,
  postJson,
  startAuth,
} from './support/auth-harness.js';

const LOGIN = '/api/v1/auth/login';

const verifierFor = (auth: AuthHarness) =>
  createTokenVerifier({
    jwksUrl: `${auth.url}/.well-known/jwks.json`,
    issuer: 'http://127.0.0.1:8080',
    audience: 'portico-api',
  });

async function accountRows(auth: AuthHarness) {
  return auth.database.db
    .selectFrom('accounts')
    .select(['id', 'email', 'roles', 'status'])
    .orderBy('email')
    .execute();
}

/** Each test starts the service more than once on one database directory, as a redeploy does. */
describe('admin bootstrap', () => {
  let dir: string;
  const running: AuthHarness[] = [];
  const start = async (env: Record<string, string>) => {
    const auth = await startAuth(env, { dir });
    running.push(auth);
    return auth;
  };
  const stop = async (auth: AuthHarness) => {
    running.splice(running.indexOf(auth), 1);
    await auth.stop();
  };

  beforeEach(() => {
    dir = makeAuthDir();
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((auth) => auth.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('when ADMIN_EMAIL and ADMIN_PASSWORD are set, then the admin can log in at once with roles user and admin', async () => {
    const auth = await start({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
    const res = await postJson(auth.url, LOGIN, ADMIN);
    expect(res.status).toBe(200);
    await expect(verifierFor(auth).verify(res.body.access_token)).resolves.toMatchObject({
      kind: 'user',
      roles: ['user', 'admin'],
    });
    expect(await accountRows(auth)).toEqual([
      { id: expect.any(String), email: ADMIN.email, roles: 'user admin', status: 'active' },
    ]);
  });

  it('when no admin is configured, then no account is created', async () => {
    const auth = await start({ ADMIN_EMAIL: '', ADMIN_PASSWORD: '' });
    expect(await accountRows(auth)).toEqual([]);
    expect((await postJson(auth.url, LOGIN, ADMIN)).status).toBe(401);
  });

  it('when the service restarts with another ADMIN_PASSWORD, then the same admin takes the new password and the old one fails', async () => {
    const first = await start({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
    const [admin] = await accountRows(first);
    await stop(first);

    const rotated = { email: ADMIN.email, password: 'a-brand-new-admin-password' };
    const second = await start({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: rotated.password });
    expect(await accountRows(second)).toEqual([admin]);
    const old = await postJson(second.url, LOGIN, ADMIN);
    expect(old.status).toBe(401);
    expect(old.body.code).toBe('INVALID_CREDENTIALS');
    const res = await postJson(second.url, LOGIN, rotated);
    expect(res.status).toBe(200);
    await expect(verifierFor(second).verify(res.body.access_token)).resolves.toMatchObject({
      sub: admin!.id,
      roles: ['user', 'admin'],
    });
  });

  it('when ADMIN_PASSWORD changes across a restart, then the old sessions end; when it stays, they live on', async () => {
    const first = await start({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
    const session = (await postJson(first.url, LOGIN, ADMIN)).body.refresh_token as string;
    await stop(first);

    const same = await start({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
    const kept = await postJson(same.url, '/api/v1/auth/refresh', { refresh_token: session });
    expect(kept.status).toBe(200);
    await stop(same);

    const changed = await start({
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: 'another-admin-password',
    });
    const ended = await postJson(changed.url, '/api/v1/auth/refresh', {
      refresh_token: kept.body.refresh_token,
    });
    expect(ended.status).toBe(401);
  });

  it('when ADMIN_EMAIL comes back in another case, then the existing admin is updated, not duplicated', async () => {
    const first = await start({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
    const before = await accountRows(first);
    await stop(first);

    const second = await start({
      ADMIN_EMAIL: ADMIN.email.toUpperCase(),
      ADMIN_PASSWORD: 'another-admin-password',
    });
    expect(await accountRows(second)).toEqual(before);
    const res = await postJson(second.url, LOGIN, {
      email: ADMIN.email,
      password: 'another-admin-password',
    });
    expect(res.status).toBe(200);
  });

  it('when ADMIN_EMAIL names an existing user, then the restart makes that account the admin with the configured password', async () => {
    const first = await start({ ADMIN_EMAIL: '', ADMIN_PASSWORD: '' });
    const email = 'ops@portico.test';
    const reg = await postJson(first.url, '/api/v1/auth/register', {
      email,
      password: 'user-password-1',
      name: 'Ops',
    });
    expect(reg.status).toBe(201);
    await stop(first);

    const second = await start({ ADMIN_EMAIL: email, ADMIN_PASSWORD: 'ops-admin-password' });
    expect(await accountRows(second)).toEqual([
      { id: reg.body.id, email, roles: 'user admin', status: 'active' },
    ]);
    expect((await postJson(second.url, LOGIN, { email, password: 'user-password-1' })).status).toBe(
      401,
    );
    const res = await postJson(second.url, LOGIN, { email, password: 'ops-admin-password' });
    expect(res.status).toBe(200);
  });

  it('when ADMIN_PASSWORD is under 8 characters, then the config is refused before anything starts', async () => {
    await expect(start({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: 'short' })).rejects.toThrow(
      /ADMIN_PASSWORD/,
    );
  });
});
