import { randomUUID } from 'node:crypto';
import { migrateToLatest, type TestDatabase, testDatabaseTargets } from '@portico/db';
import { createOutbox } from '@portico/events';
import { createRevocationList } from '@portico/token-auth';
import { migrations } from '../src/data/migrations.js';
import type { AuthDatabase } from '../src/data/schema.js';
import { createRevocations } from '../src/domain/revocations.js';

describe.each(testDatabaseTargets())('revocations on $dialect', ({ open }) => {
  let target: TestDatabase<AuthDatabase>;
  beforeAll(async () => {
    target = await open<AuthDatabase>('auth');
    await migrateToLatest(target.database.db, migrations);
  });
  afterAll(() => target.drop());

  /** Revocations on a clock the test moves (epoch ms), with a 900 s access TTL and 30 s skew. */
  function revocationsAt(clock: { ms: number }) {
    const list = createRevocationList({ now: () => clock.ms });
    const revocations = createRevocations({
      db: target.database.db,
      outbox: createOutbox(target.database.db, 'auth'),
      accessTtlSeconds: 900,
      clockSkewSeconds: 30,
      now: () => clock.ms,
      list,
    });
    return { revocations, list };
  }

  const eventsAbout = async (id: string) =>
    (await target.database.db.selectFrom('outbox').selectAll().orderBy('seq').execute())
      .map((row) => ({ type: row.type, data: JSON.parse(row.data) }))
      .filter((event) => JSON.stringify(event.data).includes(id));

  it('when a token, a session and an account are revoked, then each row and its event are stored together and listed', async () => {
    const clock = { ms: Date.now() };
    const { revocations, list } = revocationsAt(clock);
    const account = randomUUID();
    const jti = randomUUID();
    const session = randomUUID();
    const exp = Math.floor(clock.ms / 1000) + 600;

    await revocations.revokeAccessToken({ jti, sub: account, exp });
    await revocations.revokeSession(session, account);
    await revocations.signOutEverywhere(account);

    const now = Math.floor(clock.ms / 1000);
    expect(await eventsAbout(account)).toEqual([
      { type: 'token.revoked', data: { jti, accountId: account, expiresAt: exp + 30 } },
      {
        type: 'session.revoked',
        data: { sessionId: session, accountId: account, expiresAt: now + 930 },
      },
      {
        type: 'account.signed_out',
        data: { accountId: account, before: now, expiresAt: now + 930 },
      },
    ]);
    const active = await revocations.active();
    expect(active.tokens).toContainEqual({ jti, accountId: account, expiresAt: exp + 30 });
    expect(active.sessions).toContainEqual({
      sessionId: session,
      accountId: account,
      expiresAt: now + 930,
    });
    expect(active.signOuts).toContainEqual({
      accountId: account,
      before: now,
      expiresAt: now + 930,
    });
    // This service's own list heard of each as it committed.
    expect(list.size).toBe(3);
    list.close();
  });

  it('when the same token is revoked twice, then one row keeps the later expiry', async () => {
    const clock = { ms: Date.now() };
    const { revocations, list } = revocationsAt(clock);
    const account = randomUUID();
    const jti = randomUUID();
    const exp = Math.floor(clock.ms / 1000) + 100;
    await revocations.revokeAccessToken({ jti, sub: account, exp });
    await revocations.revokeAccessToken({ jti, sub: account, exp: exp + 50 });
    const rows = await target.database.db
      .selectFrom('revoked_tokens')
      .selectAll()
      .where('jti', '=', jti)
      .execute();
    expect(rows).toEqual([{ jti, account_id: account, expires_at: (exp + 80) * 1000 }]);
    list.close();
  });

  it('when introspection asks, then a token is refused by its jti, its session or its account cut-off', async () => {
    const clock = { ms: Date.now() };
    const { revocations, list } = revocationsAt(clock);
    const account = randomUUID();
    const iat = Math.floor(clock.ms / 1000);
    const token = { jti: randomUUID(), sub: account, iat, sid: randomUUID() };
    expect(await revocations.isRevoked(token)).toBe(false);
    await revocations.revokeSession(token.sid, account);
    expect(await revocations.isRevoked(token)).toBe(true);
    expect(await revocations.isRevoked({ ...token, sid: randomUUID() })).toBe(false);
    await revocations.signOutEverywhere(account);
    expect(await revocations.isRevoked({ ...token, sid: randomUUID() })).toBe(true);
    expect(await revocations.isRevoked({ ...token, sid: randomUUID(), iat: iat + 1 })).toBe(false);
    list.close();
  });

  it('when every token a row names has expired, then the next revocation deletes it and it is no longer listed', async () => {
    const clock = { ms: Date.now() };
    const { revocations, list } = revocationsAt(clock);
    const account = randomUUID();
    const jti = randomUUID();
    await revocations.revokeAccessToken({
      jti,
      sub: account,
      exp: Math.floor(clock.ms / 1000) + 10,
    });
    clock.ms += 60_000;
    expect((await revocations.active()).tokens.map((t) => t.jti)).not.toContain(jti);
    await revocations.revokeSession(randomUUID(), account);
    const left = await target.database.db
      .selectFrom('revoked_tokens')
      .select('jti')
      .where('jti', '=', jti)
      .execute();
    expect(left).toEqual([]);
    list.close();
  });
});
