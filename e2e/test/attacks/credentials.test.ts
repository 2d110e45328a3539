import { call, newAccount, type Reply } from './support/clients.js';
import { expectCleanLogs } from './support/leaks.js';
import { useSystemUnderAttack } from './support/system-under-attack.js';

/** The auth service's failed-login budget per client address, lowered so a spray runs out of it. */
const FAILURES_PER_ADDRESS = 40;

const system = useSystemUnderAttack({ LOGIN_MAX_FAILURES_PER_IP: String(FAILURES_PER_ADDRESS) });

const refresh = (token: string) =>
  call(system.gateway, '/api/v1/auth/refresh', { body: { refresh_token: token } });
const login = (email: string, password: string, headers: Record<string, string> = {}) =>
  call(system.gateway, '/api/v1/auth/login', { body: { email, password }, headers });
const count = (replies: Reply[], status: number) =>
  replies.filter((r) => r.status === status).length;

describe('refresh tokens through the gateway', () => {
  it('when a spent refresh token is presented again, then it is refused and its whole family dies', async () => {
    const ada = await newAccount(system);
    const first = await refresh(ada.refresh);
    expect(first.status).toBe(200);
    const successor = system.secret(first.body.refresh_token as string);
    system.secret(first.body.access_token as string);

    const replay = await refresh(ada.refresh);
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('INVALID_REFRESH_TOKEN');
    expect((await refresh(successor)).status).toBe(401);
  });

  it('when one refresh token is raced 10 times at once, then at most one wins and the family is revoked after', async () => {
    const ada = await newAccount(system);
    const replies = await Promise.all(Array.from({ length: 10 }, () => refresh(ada.refresh)));
    const won = replies.filter((r) => r.status === 200);
    for (const r of won) system.secret(r.body.refresh_token);
    expect(won.length).toBeLessThanOrEqual(1);
    expect(count(replies, 401)).toBe(10 - won.length);
    for (const r of won) expect((await refresh(r.body.refresh_token)).status).toBe(401);
    expect((await refresh(ada.refresh)).status).toBe(401);
  });

  it('when a user logs out, then neither the logged-out token nor a stolen copy refreshes', async () => {
    const ada = await newAccount(system);
    const out = await call(system.gateway, '/api/v1/auth/logout', {
      body: { refresh_token: ada.refresh },
    });
    expect(out.status).toBe(204);
    expect((await refresh(ada.refresh)).status).toBe(401);
  });
});

describe('password rules', () => {
  const register = (password: string) =>
    call(system.gateway, '/api/v1/auth/register', {
      body: { email: `rules-${Date.now()}-${Math.random()}@example.com`, password, name: 'R' },
    });

  it('when a password is under 8 characters, then registering is a 400 and 8 characters pass', async () => {
    const short = await register(system.secret('sev7en!'));
    expect(short.status).toBe(400);
    expect(short.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await register(system.secret('eight-ch'))).status).toBe(201);
  });

  it('when a password is over 256 characters, then it is a 400, not a 500', async () => {
    expect((await register(system.secret('x'.repeat(257)))).status).toBe(400);
  });

  it('when a 240-character password is registered, then it is used in full: every prefix and extension is refused', async () => {
    const password = Array.from(
      { length: 240 },
      (_, i) => 'abcdefghijklmnopqrstuvwxyz'[i % 26],
    ).join('');
    const ada = await newAccount(system, { password });
    expect((await login(ada.email, password)).status).toBe(200);
    for (const wrong of [
      password.slice(0, 72),
      password.slice(0, 128),
      password.slice(0, 239),
      `${password}x`,
    ]) {
      expect((await login(ada.email, wrong)).status).toBe(401);
    }
  });
});

describe('login brute force', () => {
  it('when 30 wrong passwords for one account arrive at once from spoofed addresses, then at most 10 are checked and the right password is refused after', async () => {
    const ada = await newAccount(system);
    const replies = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        login(ada.email, `guess-${i}`, { 'x-forwarded-for': `203.0.113.${i + 1}` }),
      ),
    );
    expect(count(replies, 200)).toBe(0);
    expect(count(replies, 401)).toBeLessThanOrEqual(10);
    expect(count(replies, 429)).toBe(30 - count(replies, 401));
    expect(
      Number(replies.find((r) => r.status === 429)!.headers.get('retry-after')),
    ).toBeGreaterThan(0);
    expect((await login(ada.email, ada.password)).status).toBe(429);
  });

  it('when the email is varied in case and padding to dodge the per-email limit, then the account is still throttled', async () => {
    const ada = await newAccount(system);
    const variants = Array.from({ length: 20 }, (_, i) => {
      const mixed = [...ada.email]
        .map((c, j) => ((i >> (j % 5)) & 1 ? c.toUpperCase() : c))
        .join('');
      return i % 2 ? ` ${mixed}` : mixed;
    });
    const replies = await Promise.all(
      variants.map((email, i) => login(email.trim(), `guess-${i}`)),
    );
    expect(count(replies, 200)).toBe(0);
    expect(count(replies, 401)).toBeLessThanOrEqual(10);
    expect(count(replies, 429)).toBe(20 - count(replies, 401));
  });

  it('when one password is sprayed over many emails from spoofed addresses, then the auth service runs out of patience for the real address', async () => {
    const replies: Reply[] = [];
    for (let batch = 0; batch < 5; batch += 1) {
      replies.push(
        ...(await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            login(`spray-${batch}-${i}@example.com`, 'Summer2026!', {
              'x-forwarded-for': `198.51.100.${batch * 10 + i + 1}`,
            }),
          ),
        )),
      );
    }
    expect(count(replies, 200)).toBe(0);
    expect(count(replies, 401)).toBeLessThan(FAILURES_PER_ADDRESS);
    const throttled = replies.filter((r) => r.status === 429);
    expect(throttled.length).toBe(50 - count(replies, 401));
    expect(throttled[0]?.body.code).toBe('LOGIN_THROTTLED');
  });
});

describe('logs', () => {
  it('when every attack above is done, then no log line holds a password, token or client secret', () => {
    expectCleanLogs(system);
  });
});
