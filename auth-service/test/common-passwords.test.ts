import { readConfig } from '../src/config.js';
import { type AuthHarness, postJson, startAuth, uniqueEmail } from './support/auth-harness.js';

const REGISTER = '/api/v1/auth/register';

describe('common passwords (OWASP ASVS V6.2.4)', () => {
  let auth: AuthHarness;
  beforeAll(async () => {
    auth = await startAuth();
  });
  afterAll(() => auth.stop());

  it.each(['password1', 'Password123', 'QWERTYUIOP'])(
    'when someone registers with the common password %p, then it is a 400 PASSWORD_TOO_COMMON problem and no account exists',
    async (password) => {
      const email = uniqueEmail();
      const res = await postJson(auth.url, REGISTER, { email, password, name: 'Ada' });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 400, code: 'PASSWORD_TOO_COMMON' });
      expect(res.body.detail).not.toContain(password);
      const rows = await auth.database.db
        .selectFrom('accounts')
        .select('id')
        .where('email', '=', email)
        .execute();
      expect(rows).toEqual([]);
    },
  );

  it('when someone registers with an uncommon passphrase, then the account is created', async () => {
    const res = await postJson(auth.url, REGISTER, {
      email: uniqueEmail(),
      password: 'quiet lantern over the weir',
      name: 'Ada',
    });
    expect(res.status).toBe(201);
  });

  it('when NODE_ENV=production and ADMIN_PASSWORD is a common password, then the config is refused naming ADMIN_PASSWORD without echoing it', () => {
    const start = () =>
      readConfig({
        NODE_ENV: 'production',
        ADMIN_EMAIL: 'admin@example.com',
        ADMIN_PASSWORD: 'Iloveyou123',
        SERVICE_CLIENT_SECRETS: 'gateway=Zq8-unpublished-gw-secret',
      });
    expect(start).toThrow(/ADMIN_PASSWORD must not be one of the most common passwords/);
    expect(start).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('Iloveyou123') }),
    );
  });

  it('when NODE_ENV=production and ADMIN_PASSWORD is uncommon, then the config is accepted', () => {
    const config = readConfig({
      NODE_ENV: 'production',
      ADMIN_EMAIL: 'admin@example.com',
      ADMIN_PASSWORD: 'quiet lantern over the weir',
      SERVICE_CLIENT_SECRETS: 'gateway=Zq8-unpublished-gw-secret',
    });
    expect(config.ADMIN_PASSWORD).toBe('quiet lantern over the weir');
  });
});
