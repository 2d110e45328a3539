import { MAX_WAITING_HASHES } from '../src/domain/passwords.js';
import { type AuthHarness, postJson, startAuth, uniqueEmail } from './support/auth-harness.js';

/**
 * Issue 12: a few hundred registrations at once queued behind the hashing pool,
 * logins timed out at the gateway, and registrations answered 504 were written
 * anyway. The queue is bounded: past it, a 503 at once, and nothing written.
 */
describe('auth password hashing queue', () => {
  let auth: AuthHarness;
  const password = 'a long and unusual passphrase';
  const flood = MAX_WAITING_HASHES.set * 4;

  beforeAll(async () => {
    auth = await startAuth();
  });
  afterAll(() => auth.stop());

  const register = (email: string) =>
    postJson(auth.url, '/api/v1/auth/register', { email, password, name: 'Flood' });

  it('when registrations flood past the queue, then the excess is a 503 AUTH_BUSY at once with Retry-After, and only the accepted ones exist', async () => {
    const emails = Array.from({ length: flood }, () => uniqueEmail());
    const answers = await Promise.all(emails.map(register));

    const statuses = new Set(answers.map((a) => a.status));
    expect([...statuses].sort()).toEqual([201, 503]);
    const refused = answers.filter((a) => a.status === 503);
    for (const answer of refused) {
      expect(answer.headers.get('retry-after')).toBe('1');
      expect(answer.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(answer.body).toMatchObject({ status: 503, code: 'AUTH_BUSY' });
    }

    const accepted = emails.filter((_, i) => answers[i]?.status === 201);
    const stored = await auth.database.db
      .selectFrom('accounts')
      .select('email')
      .where('email', 'in', emails)
      .execute();
    expect(stored.map((row) => row.email).sort()).toEqual(accepted.sort());
  });

  it('when registrations flood, then another user logs in ahead of the queued registrations', async () => {
    const email = uniqueEmail();
    expect((await register(email)).status).toBe(201);

    // The order answers arrive in, not their timing: a login that waited behind
    // the registration queue would come after the queued registrations.
    const finished: string[] = [];
    const registrations = Array.from({ length: MAX_WAITING_HASHES.set }, () =>
      register(uniqueEmail()).then((answer) => finished.push(`register ${answer.status}`)),
    );
    const logins = Array.from({ length: 4 }, () =>
      postJson(auth.url, '/api/v1/auth/login', { email, password }).then((answer) =>
        finished.push(`login ${answer.status}`),
      ),
    );
    await Promise.all([...registrations, ...logins]);

    expect(finished.filter((entry) => entry.startsWith('login'))).toEqual(
      Array(4).fill('login 200'),
    );
    const lastLogin = finished.lastIndexOf('login 200');
    const registeredAfter = finished.slice(lastLogin).filter((entry) => entry === 'register 201');
    expect(registeredAfter.length).toBeGreaterThanOrEqual(MAX_WAITING_HASHES.set / 2);
  });
});
