import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '@portico/logging';
import { type AuthHarness, postJson, startAuth, uniqueEmail } from './support/auth-harness.js';
import { send } from './support/raw-http.js';

/**
 * Issue 12: registration hashed every new password before anything counted
 * it, so one address could queue hundreds of hashes. It is counted per
 * address and for the deployment before hashing, and a refused registration
 * writes nothing. The auth service trusts X-Forwarded-For from loopback, as it
 * does the gateway's.
 */
const register = (auth: AuthHarness, from: string, email = uniqueEmail()) =>
  postJson(
    auth.url,
    '/api/v1/auth/register',
    { email, password: 'a long enough password', name: 'Ada' },
    { 'x-forwarded-for': from },
  );

const accounts = async (auth: AuthHarness) =>
  Number(
    (
      await auth.database.db
        .selectFrom('accounts')
        .select(auth.database.db.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('registration budget per address, counted before the password is hashed', () => {
  const PER_ADDRESS = 3;
  let auth: AuthHarness;
  beforeAll(async () => {
    auth = await startAuth({ REGISTRATION_MAX_PER_ADDRESS: String(PER_ADDRESS) });
  });
  afterAll(() => auth.stop());

  it('when one address registers past its budget, then it gets 429 REGISTRATION_THROTTLED with Retry-After, nothing is written, and another address still registers', async () => {
    for (let i = 0; i < PER_ADDRESS; i += 1) {
      expect((await register(auth, '203.0.113.9')).status).toBe(201);
    }
    const before = await accounts(auth);
    const email = uniqueEmail();
    const refused = await register(auth, '203.0.113.9', email);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: 'REGISTRATION_THROTTLED', status: 429 });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await accounts(auth)).toBe(before);
    // The refused email was never taken: it registers from elsewhere.
    expect((await register(auth, '198.51.100.20', email)).status).toBe(201);
  });

  it('when addresses within one IPv6 /56 take turns, then they share one budget', async () => {
    for (let i = 0; i < PER_ADDRESS; i += 1) {
      expect((await register(auth, `2001:db8:1:${i}::1`)).status).toBe(201);
    }
    expect((await register(auth, '2001:db8:1:ff::7')).status).toBe(429);
    expect((await register(auth, '2001:db8:2::1')).status).toBe(201);
  });
});

describe('registration budget for the whole deployment', () => {
  const PER_MINUTE = 5;
  let auth: AuthHarness;
  beforeAll(async () => {
    auth = await startAuth({ REGISTRATION_MAX_PER_MINUTE: String(PER_MINUTE) });
  });
  afterAll(() => auth.stop());

  it('when many addresses register past the deployment budget, then the rest are refused until the minute is over, and nothing is written for them', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < PER_MINUTE + 3; i += 1) {
      statuses.push((await register(auth, `192.0.2.${i + 1}`)).status);
    }
    expect(statuses).toEqual([...Array(PER_MINUTE).fill(201), 429, 429, 429]);
    const refused = await register(auth, '192.0.2.200');
    expect(refused.body).toMatchObject({ code: 'REGISTRATION_THROTTLED' });
    expect(refused.body.detail).toMatch(/just now/);
    // The admin (made at start) and the five accepted.
    expect(await accounts(auth)).toBe(PER_MINUTE + 1);
  });
});

describe('a refused registration costs no body read and no log line', () => {
  const FLOODER = '203.0.113.50';
  const lines: Array<{ msg?: string; level?: string; res?: { statusCode?: number } }> = [];
  let auth: AuthHarness;
  beforeAll(async () => {
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString('utf8')));
        done();
      },
    });
    auth = await startAuth(
      { REGISTRATION_MAX_PER_ADDRESS: '1' },
      { logger: createLogger({ service: 'auth-service', level: 'info', destination }) },
    );
  });
  afterAll(() => auth.stop());

  const registerRaw = (body: string) =>
    send(auth.url, {
      method: 'POST',
      path: '/api/v1/auth/register',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': FLOODER },
      body,
    });

  it('when an address past its budget sends a body too large to read or not JSON at all, then it is 429 REGISTRATION_THROTTLED (not 413 or 400), no refused request is logged, and one line says the budget was spent', async () => {
    expect((await register(auth, FLOODER)).status).toBe(201);
    const tooLarge = await registerRaw(JSON.stringify({ name: 'x'.repeat(32 * 1024) }));
    expect(tooLarge.status).toBe(429);
    expect(tooLarge.json).toMatchObject({ code: 'REGISTRATION_THROTTLED', status: 429 });
    expect(tooLarge.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(tooLarge.headers['x-content-type-options']).toBe('nosniff');
    expect(Number(tooLarge.headers['retry-after'])).toBeGreaterThan(0);
    const notJson = await registerRaw('{not json');
    expect(notJson.status).toBe(429);
    expect(notJson.json).toMatchObject({ code: 'REGISTRATION_THROTTLED' });

    // Another address registers: its line is the sign the log has caught up.
    expect((await register(auth, '198.51.100.50')).status).toBe(201);
    while (lines.filter((line) => line.res?.statusCode === 201).length < 2) await sleep(10);
    expect(lines.filter((line) => line.res?.statusCode === 429)).toEqual([]);
    expect(lines.filter((line) => line.msg?.includes('spent its registration budget'))).toEqual([
      expect.objectContaining({ level: 'warn', budget: 'address' }),
    ]);
  });
});
