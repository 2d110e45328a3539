import { randomUUID } from 'node:crypto';
import { migrateToLatest, type TestDatabase, testDatabaseTargets } from '@portico/db';
import { createAccountRepository, EmailTakenError } from '../src/data/account-repository.js';
import { migrations } from '../src/data/migrations.js';
import { createRefreshTokenRepository } from '../src/data/refresh-token-repository.js';
import type { AuthDatabase } from '../src/data/schema.js';

describe.each(testDatabaseTargets())('auth data layer on $dialect', ({ open }) => {
  let target: TestDatabase<AuthDatabase>;
  beforeAll(async () => {
    target = await open<AuthDatabase>('auth');
    await migrateToLatest(target.database.db, migrations);
  });
  afterAll(() => target.drop());

  const account = (email: string) => ({
    id: randomUUID(),
    email,
    name: 'N',
    passwordHash: 'hash',
    roles: ['user'],
    status: 'active' as const,
  });

  it('when migrations run twice, then the second run applies nothing', async () => {
    expect(await migrateToLatest(target.database.db, migrations)).toEqual([]);
  });

  it('when an email is stored, then it is found in any case and cannot be taken again', async () => {
    const accounts = createAccountRepository(target.database.db, Date.now);
    const email = `Case-${randomUUID()}@Example.com`;
    const stored = account(email);
    await accounts.insert(stored);
    expect((await accounts.findByEmail(email.toUpperCase()))?.id).toBe(stored.id);
    await expect(accounts.insert(account(email.toLowerCase()))).rejects.toBeInstanceOf(
      EmailTakenError,
    );
  });

  it('when ten spends of one refresh token race, then exactly one wins', async () => {
    const accounts = createAccountRepository(target.database.db, Date.now);
    const owner = account(`${randomUUID()}@example.com`);
    await accounts.insert(owner);
    const tokens = createRefreshTokenRepository(target.database.db);
    const id = randomUUID();
    await tokens.insert({
      id,
      token_hash: randomUUID(),
      family_id: randomUUID(),
      account_id: owner.id,
      state: 'active',
      expires_at: Date.now() + 60_000,
      created_at: Date.now(),
    });
    const wins = await Promise.all(Array.from({ length: 10 }, () => tokens.spend(id)));
    expect(wins.filter(Boolean)).toHaveLength(1);
  });

  it('when a family is revoked, then every token in it is revoked and others are not', async () => {
    const accounts = createAccountRepository(target.database.db, Date.now);
    const owner = account(`${randomUUID()}@example.com`);
    await accounts.insert(owner);
    const tokens = createRefreshTokenRepository(target.database.db);
    const family = randomUUID();
    const row = (familyId: string) => ({
      id: randomUUID(),
      token_hash: randomUUID(),
      family_id: familyId,
      account_id: owner.id,
      state: 'active' as const,
      expires_at: Date.now() + 60_000,
      created_at: Date.now(),
    });
    const [a, b, other] = [row(family), row(family), row(randomUUID())];
    for (const r of [a, b, other]) await tokens.insert(r);
    await tokens.revokeFamily(family);
    expect((await tokens.findByHash(a.token_hash))?.state).toBe('revoked');
    expect((await tokens.findByHash(b.token_hash))?.state).toBe('revoked');
    expect((await tokens.findByHash(other.token_hash))?.state).toBe('active');
  });
});
