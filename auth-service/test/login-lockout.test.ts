import { type AuthHarness, postJson, startAuth, uniqueEmail } from './support/auth-harness.js';

/**
 * Issue 12: ten wrong passwords from anyone locked the real owner out, and one
 * address's failures locked out everyone behind that NAT. The auth service
 * trusts X-Forwarded-For from loopback (TRUST_PROXY), as it does the gateway's.
 */
describe('login throttling that costs the attacker, not the owner', () => {
  let auth: AuthHarness;
  const PER_ACCOUNT = 3;
  const PER_IP = 6;
  const password = 'the owner knows this one';

  beforeAll(async () => {
    auth = await startAuth({
      LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: String(PER_ACCOUNT),
      LOGIN_MAX_FAILURES_PER_IP: String(PER_IP),
    });
  });
  afterAll(() => auth.stop());

  const login = (email: string, secret: string, from: string) =>
    postJson(
      auth.url,
      '/api/v1/auth/login',
      { email, password: secret },
      { 'x-forwarded-for': from },
    );

  async function owner(): Promise<string> {
    const email = uniqueEmail();
    const reg = await postJson(auth.url, '/api/v1/auth/register', { email, password, name: 'Ada' });
    expect(reg.status).toBe(201);
    return email;
  }

  it('when an attacker spends the account budget from one address, then that address is throttled and the owner elsewhere logs in', async () => {
    const email = await owner();
    for (let i = 0; i < PER_ACCOUNT; i += 1) {
      expect((await login(email, `guess-${i}`, '203.0.113.7')).status).toBe(401);
    }
    const attacker = await login(email, password, '203.0.113.7');
    expect(attacker.status).toBe(429);
    expect(attacker.body.code).toBe('LOGIN_THROTTLED');

    expect((await login(email, password, '198.51.100.4')).status).toBe(200);
  });

  it('when guesses for one account come from many addresses, then after ten times the per-address budget the account is throttled everywhere', async () => {
    const email = await owner();
    for (let i = 0; i < PER_ACCOUNT * 10; i += 1) {
      const from = `203.0.113.${100 + Math.floor(i / PER_ACCOUNT)}`;
      expect((await login(email, `guess-${i}`, from)).status).toBe(401);
    }
    const fresh = await login(email, password, '198.51.100.200');
    expect(fresh.status).toBe(429);
    expect(fresh.body.code).toBe('LOGIN_THROTTLED');
  });

  it('when one address sprays wrong passwords, then new accounts from it are throttled but an account that logged in from it before still logs in', async () => {
    const nat = '192.0.2.77';
    const regular = await owner();
    expect((await login(regular, password, nat)).status).toBe(200);
    const newcomer = await owner();

    for (let i = 0; i < PER_IP; i += 1) {
      expect((await login(uniqueEmail(), 'Summer2026!', nat)).status).toBe(401);
    }

    expect((await login(newcomer, password, nat)).status).toBe(429);
    expect((await login(regular, password, nat)).status).toBe(200);
  });

  it('when an attacker rotates through addresses of one IPv6 /64, then they share one address budget and the owner elsewhere logs in', async () => {
    const email = await owner();
    for (let i = 0; i < PER_ACCOUNT; i += 1) {
      expect((await login(email, `guess-${i}`, `2001:db8:7:1::${i + 1}`)).status).toBe(401);
    }
    const rotated = await login(email, password, '2001:db8:7:1:ffff:ffff:ffff:fffe');
    expect(rotated.status).toBe(429);
    expect(rotated.body.code).toBe('LOGIN_THROTTLED');

    expect((await login(email, password, '2001:db8:9:1::1')).status).toBe(200);
  });

  it('when guesses come from an IPv4-mapped IPv6 address, then they count against the IPv4 address', async () => {
    const email = await owner();
    for (let i = 0; i < PER_ACCOUNT; i += 1) {
      expect((await login(email, `guess-${i}`, '::ffff:203.0.113.90')).status).toBe(401);
    }
    const plain = await login(email, password, '203.0.113.90');
    expect(plain.status).toBe(429);
    expect(plain.body.code).toBe('LOGIN_THROTTLED');
  });
});
